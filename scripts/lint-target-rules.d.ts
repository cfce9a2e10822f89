// SPDX-License-Identifier: MIT
// Types of scripts/lint-target-rules.js (a plain module: eslint.config.js loads it without a build).
import type { Linter } from "eslint";

export interface RestrictedRule {
  message: string;
  selector?: string;
  name?: string;
  object?: string;
  property?: string;
}

export const bannedSyntax: RestrictedRule[];
export const bannedGlobals: RestrictedRule[];
export const bannedProperties: RestrictedRule[];
export const targetRules: Linter.RulesRecord;
export const espruinoOnlyRules: Linter.RulesRecord;
