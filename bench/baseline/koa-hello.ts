// The bare-HTTP ceiling: Koa answering `{"hello":"world"}` to everything, nothing else (no router,
// no middleware, no logging). bench/run.ts drives it with the same autocannon settings as the API.
//
//   PORT=3001 node --import tsx bench/baseline/koa-hello.ts
import Koa from 'koa';

const app = new Koa();
app.use((ctx) => {
  ctx.body = { hello: 'world' };
});
const port = Number(process.env.PORT ?? 3001);
const server = app.listen(port, '127.0.0.1');
server.keepAliveTimeout = 65_000;
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
