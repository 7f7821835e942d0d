import type { TestProject } from 'vitest/node';
import { adminQuery, createTemplate } from './template.js';

export default async function setup(project: TestProject) {
  const adminUrl = process.env.TEST_DATABASE_URL as string;
  const template = `gz_template_${process.pid}`;
  await createTemplate(adminUrl, template);
  project.provide('adminUrl', adminUrl);
  project.provide('templateDb', template);
  project.provide('engine', 'server');
  return async () => {
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  };
}
