// Test support of the modelling core, for other projects' tests too (the site's and the
// coordinator's): the seeded health records and a refusal's code. Never imported by production code.
export * from './data';
export * from './refusal';
