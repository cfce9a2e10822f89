// SPDX-License-Identifier: MIT
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Closed-loop scenarios simulate hours of pack time; give them room on a 2-core machine.
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
