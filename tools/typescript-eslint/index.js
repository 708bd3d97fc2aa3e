// typescript-eslint as resolved from this folder: its parser loads the `typescript` installed beside it (6.0, the
// last with a JavaScript compiler API), not the project's TypeScript 7, whose package has none. The root
// package.json's override narrows ts-api-utils's `typescript` peer (any version) to below 6.1, so npm installs
// ts-api-utils here too instead of beside TypeScript 7. eslint.config.js imports typescript-eslint from here.
export { default } from 'typescript-eslint';
