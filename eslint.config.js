// SPDX-License-Identifier: MIT
// Two lint profiles. firmware/ and hal/ run on Espruino (a source interpreter without hoisting,
// destructuring, spread, …) and through typescript-to-lua on NodeMCU, so everything outside that
// common subset is an error here, not a fault handler in the field.
// Facts: ../shared/reference/espruino.md §2, §3, §12 and lua.md §3, §4, §8.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import { espruinoOnlyRules, targetRules } from "./scripts/lint-target-rules.js";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "out/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: {
        // The probe paths never exist on disk: test/lint/subset.test.ts lints snippets under these
        // names so the type-aware rules see them without a file in the tree.
        projectService: { allowDefaultProject: ["firmware/__lint_probe__.ts", "hal/__lint_probe__.ts", "sim/__lint_probe__.ts"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      eqeqeq: ["error", "always"],
      "no-var": "error",
      "prefer-const": "error",
    },
  },
  {
    files: ["eslint.config.js", "scripts/*.js", "scripts/tstl-plugins/*.cjs"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ["firmware/**/*.ts", "hal/**/*.ts"],
    rules: targetRules,
  },
  {
    // Only Espruino runs the adapter: typed arrays allowed (scripts/lint-target-rules.js).
    files: ["hal/espruino/**/*.ts"],
    rules: espruinoOnlyRules,
  },
);
