// `npm run bench`: runs every benchmark in turn; each prints its own figures.
export {};

await import('./transitions');
