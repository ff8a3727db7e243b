// Fail when the frontend's own modules import each other in a circle (type-only imports count: a circle
// drawn only for types is still one in the design; esbuild drops those, so its graph cannot tell).
//   node cycles.mjs [SRC_DIR]   exit 1 and print each circle, e.g. "main.ts → inbox.ts → main.ts"
// The imports are read by TypeScript's own pre-processor (ts.preProcessFile), not by a pattern.
import ts from "typescript";
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const src = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), "src");
const modules = readdirSync(src).filter((name) => name.endsWith(".ts"));
const graph = new Map(
  modules.map((name) => {
    const { importedFiles } = ts.preProcessFile(readFileSync(join(src, name), "utf8"), true, true);
    const local = importedFiles
      .map((file) => file.fileName)
      .filter((spec) => spec.startsWith("./"))
      .map((spec) => basename(spec).replace(/\.js$/, ".ts"))
      .filter((target) => modules.includes(target));
    return [name, [...new Set(local)]];
  }),
);

const circles = [];
const state = new Map(); // name → "open" while on the path, "done" after
const path = [];
function visit(name) {
  state.set(name, "open");
  path.push(name);
  for (const next of graph.get(name)) {
    if (state.get(next) === "open") circles.push([...path.slice(path.indexOf(next)), next]);
    else if (!state.has(next)) visit(next);
  }
  path.pop();
  state.set(name, "done");
}
for (const name of [...graph.keys()].sort()) if (!state.has(name)) visit(name);

if (circles.length) {
  for (const circle of circles) console.error(`import circle: ${circle.join(" → ")}`);
  process.exit(1);
}
console.log(`no import circle among ${modules.length} modules`);
