// The product version shown by /api/health, read once from the server workspace's package.json.
import { createRequire } from 'node:module';

export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
