// Writes the licence notices for the third-party code inside @zazuko/yasgui's prebuilt bundle.
//
// Usage: node collect-licenses.mjs <node_modules dir> > THIRD-PARTY-LICENSES.txt
//
// Which packages are inside the bundle is read from the bundle's own source map (its "sources"
// list), so the list follows the bundle rather than a hand-kept table. The stylesheet also carries
// the DataTables default theme (datatables.net-dt), which the JS map does not name; it is added.
// Licence texts come from the packages as package-lock.json resolves them; the prebuilt bundle may
// embed an earlier release of the same package (e.g. jQuery 3.7.1), whose licence is the same.
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";

const nm = process.argv[2];
if (!nm) {
  console.error("usage: node collect-licenses.mjs <node_modules>");
  process.exit(2);
}
const map = JSON.parse(readFileSync(join(nm, "@zazuko/yasgui/build/yasgui.min.js.map"), "utf8"));
const names = new Set(["datatables.net-dt"]);
for (const source of map.sources) {
  const m = source.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (m) names.add(m[1]);
}
const sorted = [...names].sort();
const out = [];
out.push("Third-party software inside yasgui.min.js / yasgui.min.css (@zazuko/yasgui 4.6.2)");
out.push("=".repeat(80));
out.push("");
out.push("The bundle also contains YASGUI's own packages (@zazuko/yasgui, @zazuko/yasqe,");
out.push("@zazuko/yasr, @zazuko/yasgui-utils), MIT: see LICENSE beside this file.");
out.push("Packages below were found in the bundle's source map. Each licence text is copied");
out.push("from the package as pinned by package-lock.json; the prebuilt bundle may embed an");
out.push("earlier release of the same package under the same licence.");
out.push("");
out.push("Summary:");
const entries = [];
for (const name of sorted) {
  const dir = join(nm, name);
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  let license = pkg.license ?? pkg.licenses ?? "(not stated in package.json)";
  if (typeof license !== "string") license = JSON.stringify(license);
  const files = readdirSync(dir)
    .filter((f) => /^licen[cs]e/i.test(f))
    .sort();
  entries.push({ name, version: pkg.version, license, dir, files });
  out.push(`  ${name}@${pkg.version}  ${license}`);
}
out.push("");
for (const e of entries) {
  out.push("-".repeat(80));
  out.push(`${e.name}@${e.version}  licence: ${e.license}`);
  out.push("-".repeat(80));
  if (e.files.length === 0) {
    out.push(`No licence file is shipped in the npm package; its package.json states "${e.license}".`);
    out.push("");
    continue;
  }
  for (const f of e.files) {
    if (e.files.length > 1) out.push(`[${f}]`);
    out.push(readFileSync(join(e.dir, f), "utf8").replace(/\s+$/, ""));
    out.push("");
  }
}
process.stdout.write(out.join("\n") + "\n");
if (!existsSync(join(nm, "@zazuko/yasgui/package.json"))) process.exit(1);
