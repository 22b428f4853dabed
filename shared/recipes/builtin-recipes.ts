// The built-in recipes of agent "The Hunter". Seeded locally; CDK deploys their state machines.
// They read `settings.directoryUrl`, a company directory (locally: the fictional one the runtime serves).
import type { RecipeDefinition } from './recipe-schema';
import { validateRecipe } from './recipe-validation';

export const HUNTER_AGENT = {
  id: 'agt_hunter',
  name: 'The Hunter',
  description: 'Finds, profiles and approaches leads',
};

const leadDiscovery = {
  name: 'Lead Discovery',
  description: 'Expand a query with AI, search the company directory and keep the best distinct leads',
  inputSchema: {
    type: 'object',
    required: ['query'],
    properties: { query: { type: 'string', minLength: 1, maxLength: 200 } },
  },
  steps: [
    {
      id: 'expand',
      type: 'ai',
      system: 'You help sales teams find companies.',
      prompt: 'List search keywords for companies matching: {{input.query}}',
      outputSchema: {
        type: 'object',
        required: ['keywords'],
        properties: { keywords: { type: 'array', items: { type: 'string' }, maxItems: 5 } },
      },
    },
    {
      id: 'search',
      type: 'http',
      method: 'GET',
      url: '{{settings.directoryUrl}}/search',
      query: { q: '{{input.query}}' },
      retry: { maxAttempts: 3, intervalSeconds: 1, backoffRate: 2, jitter: 'full' },
      timeoutSeconds: 10,
    },
    {
      id: 'leads',
      type: 'transform',
      source: '{{steps.search.output.body.results}}',
      ops: [
        { op: 'dedupe', by: 'domain' },
        { op: 'sort', by: 'employees', order: 'desc' },
        { op: 'limit', count: 10 },
        { op: 'pick', fields: ['domain', 'name', 'industry', 'employees'] },
      ],
    },
  ],
  output: {
    query: '{{input.query}}',
    keywords: '{{steps.expand.output.keywords}}',
    leads: '{{steps.leads.output}}',
  },
};

const leadIntelligence = {
  name: 'Lead Intelligence',
  description: 'Profile a company and score its fit',
  inputSchema: {
    type: 'object',
    required: ['domain'],
    properties: { domain: { type: 'string', pattern: '^[a-z0-9.-]+$' } },
  },
  steps: [
    {
      id: 'company',
      type: 'http',
      method: 'GET',
      url: '{{settings.directoryUrl}}/companies/{{input.domain}}',
      retry: { maxAttempts: 3, intervalSeconds: 1, backoffRate: 2, jitter: 'full' },
      timeoutSeconds: 10,
    },
    {
      id: 'analysis',
      type: 'ai',
      prompt: 'Summarise this company for a sales rep: {{steps.company.output.body}}',
      outputSchema: { type: 'object', required: ['summary'], properties: { summary: { type: 'string' } } },
    },
    {
      id: 'fit',
      type: 'score',
      rules: [
        { when: { path: 'steps.company.output.body.employees', op: 'gte', value: 50 }, points: 40 },
        {
          when: {
            path: 'steps.company.output.body.industry',
            op: 'in',
            value: ['Software', 'Logistics', 'Fintech'],
          },
          points: 30,
        },
        {
          when: { path: 'steps.company.output.body.country', op: 'in', value: ['DE', 'NL', 'FR', 'GB'] },
          points: 20,
        },
      ],
      bands: [
        { min: 70, label: 'hot' },
        { min: 40, label: 'warm' },
        { min: 0, label: 'cold' },
      ],
    },
  ],
  output: {
    company: '{{steps.company.output.body.name}}',
    summary: '{{steps.analysis.output.summary}}',
    fit: '{{steps.fit.output}}',
  },
};

const outreachPersonalization = {
  name: 'Outreach Personalization',
  description: 'Write a personal first email to a contact at a company',
  inputSchema: {
    type: 'object',
    required: ['domain', 'contactName', 'contactEmail'],
    properties: {
      domain: { type: 'string', pattern: '^[a-z0-9.-]+$' },
      contactName: { type: 'string', minLength: 1 },
      contactEmail: { type: 'string', format: 'email' },
    },
  },
  steps: [
    {
      id: 'company',
      type: 'http',
      method: 'GET',
      url: '{{settings.directoryUrl}}/companies/{{input.domain}}',
      timeoutSeconds: 10,
    },
    {
      id: 'subject',
      type: 'ai',
      prompt:
        'Write a short email subject line for {{input.contactName}} at {{steps.company.output.body.name}} ({{steps.company.output.body.industry}}).',
      outputSchema: {
        type: 'object',
        required: ['subject'],
        properties: { subject: { type: 'string', maxLength: 120 } },
      },
    },
    {
      id: 'body',
      type: 'ai',
      prompt:
        'Write a three-sentence first email to {{input.contactName}} with the subject "{{steps.subject.output.subject}}". Company: {{steps.company.output.body}}',
      outputSchema: { type: 'object', required: ['body'], properties: { body: { type: 'string' } } },
    },
    {
      id: 'draft',
      type: 'transform',
      source: {
        to: '{{input.contactEmail}}',
        subject: '{{steps.subject.output.subject}}',
        body: '{{steps.body.output.body}}',
      },
      ops: [],
    },
    {
      id: 'approve',
      type: 'review',
      message: 'Send this email to {{input.contactName}} at {{steps.company.output.body.name}}?',
      data: '{{steps.draft.output}}',
      timeoutSeconds: 86_400,
      onTimeout: 'reject',
    },
    {
      id: 'send',
      type: 'correspond',
      channel: 'email',
      to: '{{steps.approve.output.data.to}}',
      subject: '{{steps.approve.output.data.subject}}',
      body: '{{steps.approve.output.data.body}}',
    },
  ],
  output: {
    messageId: '{{steps.send.output.messageId}}',
    to: '{{steps.approve.output.data.to}}',
    subject: '{{steps.approve.output.data.subject}}',
    approvedBy: '{{steps.approve.output.reviewer}}',
  },
};

let validated: Array<{ id: string; definition: RecipeDefinition }> | undefined;

/**
 * The built-in recipes, validated like any recipe on first use (not when the module loads: that took a
 * function's cold start ~100 ms, mostly compiling their input schemas).
 */
export function builtinRecipes(): Array<{ id: string; definition: RecipeDefinition }> {
  validated ??= [
    { id: 'rcp_lead_discovery', raw: leadDiscovery },
    { id: 'rcp_lead_intelligence', raw: leadIntelligence },
    { id: 'rcp_outreach_personalization', raw: outreachPersonalization },
  ].map(({ id, raw }) => ({ id, definition: validateRecipe({ ...raw, agentId: HUNTER_AGENT.id }) }));
  return validated;
}
