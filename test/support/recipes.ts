// Recipe fixtures shared by the suites.
export function threeStepRecipe(directoryUrl: string) {
  return {
    name: 'Reference three steps',
    inputSchema: { type: 'object', required: ['domain'], properties: { domain: { type: 'string' } } },
    steps: [
      { id: 'company', type: 'http', method: 'GET', url: `${directoryUrl}/companies/{{input.domain}}` },
      {
        id: 'analysis',
        type: 'ai',
        prompt: 'Summarise {{steps.company.output.body.name}}',
        outputSchema: { type: 'object', required: ['summary'], properties: { summary: { type: 'string' } } },
      },
      {
        id: 'fit',
        type: 'score',
        rules: [{ when: { path: 'steps.company.output.body.employees', op: 'gte', value: 50 }, points: 40 }],
        bands: [
          { min: 40, label: 'warm' },
          { min: 0, label: 'cold' },
        ],
      },
    ],
    output: { name: '{{steps.company.output.body.name}}', fit: '{{steps.fit.output.band}}' },
  };
}
