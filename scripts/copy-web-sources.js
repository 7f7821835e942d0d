// Part of the build: copies what the website bundles when it starts (client island sources, the
// stylesheet, the admin script) beside the compiled modules in dist/, so a built tree (the Docker
// image ships dist/ without src/) finds them exactly where src/ keeps them.
import { cpSync } from 'node:fs';

const FOLDERS = ['web/client', 'web/styles', 'web/admin/client'];

for (const folder of FOLDERS) cpSync(`src/${folder}`, `dist/${folder}`, { recursive: true });
