import { describe, expect, it } from 'vitest';
import { charge, reservation } from '../../shared/credits/price-list';
import { priceList } from '../../shared/credits/pricing';
import { validateRecipe } from '../../shared/recipes/recipe-validation';

const recipe = validateRecipe({
  name: 'priced',
  steps: [
    { id: 'fetch', type: 'http', url: 'https://example.com' },
    { id: 'pause', type: 'wait', seconds: 5 },
    {
      id: 'each',
      type: 'map',
      items: '{{steps.fetch.output.body}}',
      maxItems: 1000,
      steps: [
        { id: 'write', type: 'ai', prompt: 'hi {{item}}' },
        { id: 'shape', type: 'transform', source: '{{item}}', ops: [] },
      ],
    },
    {
      id: 'send',
      type: 'correspond',
      channel: 'webhook',
      url: 'https://example.com/hook',
      body: 'x',
      credential: 'hook',
    },
  ],
});
const list = priceList(recipe.steps);

describe('what a run costs', () => {
  it('reserves the run, every top-level step and each map item’s steps for maxItems items', () => {
    expect(list.maps).toEqual({ each: { maxItems: 1000, steps: ['write', 'shape'] } });
    // run 1 + http 1 + wait 0 + map 0 + 1000 × (ai 5 + transform 1) + correspond 2
    expect(reservation(list)).toBe(6004);
  });

  it('charges a map of 1,000 ai calls for each item that ran, not 2 credits', () => {
    const items = Array.from({ length: 1000 }, (_, i) => [`write[${i}]`, `shape[${i}]`]).flat();
    expect(charge(list, reservation(list), ['fetch', ...items, 'send'], true)).toBe(6004);
    expect(charge(list, reservation(list), ['fetch', 'write[0]', 'shape[0]', 'write[1]'], true)).toBe(13);
  });

  it('charges a failed run for every step attempted, once each, and refunds the rest', () => {
    // fetch succeeded, write failed on item 0 after its retries: the step records name each once
    expect(charge(list, reservation(list), ['fetch', 'write[0]', 'write[0]'])).toBe(7);
  });

  it('charges nothing when a failed, cancelled or timed-out run attempted nothing; a success pays the run', () => {
    expect(charge(list, reservation(list), [])).toBe(0);
    expect(charge(list, reservation(list), [], true)).toBe(1);
  });

  it('never charges more than the reservation, and prices unknown ids at nothing', () => {
    expect(charge(list, 3, ['fetch', 'send', 'write[0]'])).toBe(3);
    expect(charge(list, reservation(list), ['fetch', 'somethingElse'])).toBe(2);
  });

  it('prices a redrive from the failed step on: only the steps it runs again', () => {
    const from = recipe.steps.findIndex((s) => s.id === 'send');
    const redrive = priceList(recipe.steps.slice(from));
    expect(reservation(redrive)).toBe(3);
    // the redriven run's state carries the earlier outputs; they are not charged again
    expect(charge(redrive, 3, ['fetch', 'write[0]', 'send'], true)).toBe(3);
  });
});
