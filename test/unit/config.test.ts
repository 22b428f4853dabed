import { describe, expect, it } from 'vitest';
import { loadConfig, requireSettings } from '../../shared/config';
import { checkFunctionSettings } from '../../shared/function-settings';

const cloud = { RECIPEFLOW_RUNTIME: 'cloud', AWS_REGION: 'eu-west-1', TABLE_NAME: 'recipeflow-table' };

describe('configuration', () => {
  it('needs local or cloud said explicitly', () => {
    expect(() => loadConfig({})).toThrow(/RECIPEFLOW_RUNTIME must be "cloud".*or "local"/);
    expect(() => loadConfig({ RECIPEFLOW_RUNTIME: 'aws' })).toThrow(/RECIPEFLOW_RUNTIME/);
  });

  it('gives the local runtime its emulators’ names, and the cloud no fake defaults', () => {
    expect(loadConfig({ RECIPEFLOW_RUNTIME: 'local' })).toMatchObject({
      TABLE_NAME: 'recipeflow',
      STATE_MACHINE_ROLE_ARN: expect.stringContaining(':000000000000:'),
      EMAIL_TRANSPORT: 'outbox',
    });
    const config = loadConfig(cloud);
    expect(config.STATE_MACHINE_ROLE_ARN).toBeUndefined();
    expect(config.COMPONENT_ARN_PREFIX).toBeUndefined();
    expect(config.ARTIFACT_BUCKET).toBeUndefined();
    // the outbox only records messages: in the cloud email is sent
    expect(config.EMAIL_TRANSPORT).toBe('ses');
    expect(() => loadConfig({ ...cloud, EMAIL_TRANSPORT: 'outbox' })).toThrow(
      /EMAIL_TRANSPORT must be one of ses, smtp/,
    );
  });

  it('stops in the cloud without the table, or with a local-runtime setting', () => {
    expect(() => loadConfig({ ...cloud, TABLE_NAME: '' })).toThrow(
      'TABLE_NAME is not set; every function needs it',
    );
    expect(() => loadConfig({ ...cloud, DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000' })).toThrow(
      'DYNAMODB_ENDPOINT is a local-runtime setting; RECIPEFLOW_RUNTIME is cloud',
    );
    expect(() => loadConfig({ RECIPEFLOW_RUNTIME: 'cloud', TABLE_NAME: 'abc' })).toThrow(
      'AWS_REGION is not set',
    );
  });

  it('names every missing setting a function needs', () => {
    expect(() => requireSettings(loadConfig(cloud), ['SCHEDULE_GROUP', 'SCHEDULE_TARGET_ARN'])).toThrow(
      'SCHEDULE_GROUP, SCHEDULE_TARGET_ARN are not set; this function needs them',
    );
    expect(requireSettings(loadConfig({ ...cloud, SCHEDULE_GROUP: 'g' }), ['SCHEDULE_GROUP'])).toEqual(['g']);
  });

  it('stops a cloud function at cold start when the stack forgot one of its settings', () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, cloud);
      delete process.env.DYNAMODB_ENDPOINT;
      delete process.env.ARTIFACT_BUCKET;
      expect(() => checkFunctionSettings('api/artifacts')).toThrow('ARTIFACT_BUCKET is not set');
      process.env.ARTIFACT_BUCKET = 'bucket';
      expect(() => checkFunctionSettings('api/artifacts')).not.toThrow();
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });
});
