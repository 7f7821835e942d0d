export * from './catalogue.js';
export * from './content.js';
export * from './admin.js';
