// The OpenAPI 3.1 document of the whole API, built from every API module's routes and their zod schemas.
// `npm run docs` writes it to docs/openapi.json, which GET /v1/openapi.json serves (a test keeps the two alike),
// so that function bundles no schema at all.
import { openApiDocument } from '../../shared/api/openapi';
import { handler as agents } from './agents';
import { handler as apiKeys } from './api-keys';
import { handler as artifacts } from './artifacts';
import { handler as audit } from './audit';
import { handler as connections } from './connections';
import { handler as credentials } from './credentials';
import { handler as credits } from './credits';
import { handler as executions } from './executions';
import { handler as health } from './health';
import { handler as messages } from './messages';
import { handler as recipes } from './recipes';
import { handler as reviews } from './reviews';
import { handler as schedules } from './schedules';
import { handler as settings } from './settings';
import { handler as steps } from './steps';
import { handler as tenants } from './tenants';
import { handler as triggers } from './triggers';

const modules = [
  health,
  steps,
  connections,
  tenants,
  apiKeys,
  credits,
  audit,
  credentials,
  agents,
  recipes,
  executions,
  reviews,
  messages,
  artifacts,
  schedules,
  triggers,
  settings,
];

export function buildOpenApiDocument() {
  return openApiDocument([
    ...modules.flatMap((m) => m.routes),
    { method: 'GET', path: '/v1/openapi.json', public: true },
  ]);
}
