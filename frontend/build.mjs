// Bundle the panel into custom_components/doorbell_vault/frontend/doorbell-vault-panel.js.
//   node build.mjs           write the bundle
//   node build.mjs --check   build in memory; exit 1 when the committed bundle differs from its sources
// The build is deterministic: same sources and lockfile, same bytes (no timestamps, no source maps).
import { build } from "esbuild";
import { readFile, writeFile, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "custom_components", "doorbell_vault", "frontend", "doorbell-vault-panel.js");

const result = await build({
  entryPoints: [join(here, "src", "main.ts")],
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
const bundle = Buffer.from(result.outputFiles[0].contents);

if (process.argv.includes("--check")) {
  let committed = null;
  try {
    committed = await readFile(out);
  } catch {
    committed = null;
  }
  if (committed === null || !committed.equals(bundle)) {
    console.error(
      `${out} differs from frontend/src: run scripts/panel-build and commit the bundle`,
    );
    process.exit(1);
  }
  console.log(`panel bundle matches its sources (${bundle.length} bytes)`);
} else {
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, bundle);
  console.log(`wrote ${out} (${bundle.length} bytes)`);
}
