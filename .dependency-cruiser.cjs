/** The dependency rule (docs/architecture.md, "Layers and the dependency rule"): domain ← application ← adapters ← bootstrap. */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'src/domain imports only src/domain (no packages, no node: modules).',
      severity: 'error',
      from: { path: '^src/domain' },
      to: { pathNot: '^src/domain' },
    },
    {
      name: 'application-only-domain',
      comment: 'src/application imports only src/application and src/domain.',
      severity: 'error',
      from: { path: '^src/application' },
      to: { pathNot: '^src/(application|domain)' },
    },
    {
      name: 'adapters-not-bootstrap',
      comment: 'Adapters never reach into the composition root.',
      severity: 'error',
      from: { path: '^src/adapters' },
      to: { path: '^src/bootstrap' },
    },
    {
      name: 'adapter-folders-apart',
      comment:
        'One adapter folder never imports another (http never imports postgres); talk through ports.',
      severity: 'error',
      from: { path: '^src/adapters/([^/]+)/' },
      to: { path: '^src/adapters/([^/]+)/', pathNot: '^src/adapters/($1|shared)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.d.ts'],
    },
    builtInModules: { add: [] },
  },
};
