export * from './catalogue.js';
export * from './content.js';
export * from './admin.js';
export * from './analytics.js';
