// Prints the OpenAPI document (for spectral in CI) without starting a server or opening a database.
import { openApiDocument } from './openapi-document.js';

process.stdout.write(`${JSON.stringify(openApiDocument(), null, 2)}\n`);
