/** A careless step that prints every file its environment points at (token files, credentials files). */
import { readFileSync } from 'node:fs';

for (const name of ['AZURE_FEDERATED_TOKEN_FILE', 'GOOGLE_APPLICATION_CREDENTIALS']) {
  const path = process.env[name];
  if (path) process.stdout.write(`${name}: ${readFileSync(path, 'utf8')}\n`);
}
