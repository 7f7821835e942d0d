export * from './catalogue.js';
export * from './content.js';
