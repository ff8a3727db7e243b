// Bundle the panel and the dashboard card into custom_components/doorbell_vault/frontend/:
// doorbell-vault-panel.js (the sidebar panel, from src/main.ts) and doorbell-vault-card.js (the card, from
// src/card.ts). Each bundle stands alone (shared modules are built into both), so a dashboard loads the
// card without the panel.
//   node build.mjs           write the bundles
//   node build.mjs --check   build in memory; exit 1 when a committed bundle differs from its sources
// The build is deterministic: same sources and lockfile, same bytes (no timestamps, no source maps).
import { build } from "esbuild";
import { readFile, writeFile, mkdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outdir = join(here, "..", "custom_components", "doorbell_vault", "frontend");
const entries = [
  { in: join(here, "src", "main.ts"), out: "doorbell-vault-panel" },
  { in: join(here, "src", "card.ts"), out: "doorbell-vault-card" },
];

const result = await build({
  entryPoints: entries,
  outdir,
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: true,
  legalComments: "none",
  charset: "utf8",
  write: false,
  logLevel: "warning",
  absWorkingDir: here,
});

if (process.argv.includes("--check")) {
  let stale = false;
  for (const file of result.outputFiles) {
    const bundle = Buffer.from(file.contents);
    let committed = null;
    try {
      committed = await readFile(file.path);
    } catch {
      committed = null;
    }
    if (committed === null || !committed.equals(bundle)) {
      console.error(`${file.path} differs from frontend/src: run scripts/panel-build and commit the bundle`);
      stale = true;
    } else {
      console.log(`${basename(file.path)} matches its sources (${bundle.length} bytes)`);
    }
  }
  if (stale) process.exit(1);
} else {
  await mkdir(outdir, { recursive: true });
  for (const file of result.outputFiles) {
    await writeFile(file.path, file.contents);
    console.log(`wrote ${file.path} (${file.contents.length} bytes)`);
  }
}
