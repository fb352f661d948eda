// Reads VSTest .trx result files for scripts/test.sh. One parser for three questions:
//   node scripts/trx.mjs rerun-filter FIRST.trx          the --filter that runs FIRST's failed tests again (empty: none)
//   node scripts/trx.mjs flaky FIRST.trx RERUN.trx       exit 0 when every test FIRST failed ran again in RERUN and passed
//   node scripts/trx.mjs report DIR                      lists the failed tests of DIR/*.trx (FLAKY for the projects
//                                                        named in DIR/flaky-projects.txt), at most 20, with their messages
import fs from "node:fs";
import path from "node:path";

const unescape = s => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"").replace(/&apos;/g, "'")
  .replace(/&#xD;/g, "").replace(/&#xA;/g, "\n").replace(/&amp;/g, "&");

// Each test result: its display name, the method it runs (a theory's cases share it), its outcome and its message.
function results(file) {
  const xml = fs.readFileSync(file, "utf8");
  return [...xml.matchAll(/<UnitTestResult\b[^>]*?\btestName="([^"]*)"[^>]*?\boutcome="([A-Za-z]*)"[^>]*?(?:\/>|>([\s\S]*?)<\/UnitTestResult>)/g)]
    .map(m => {
      const name = unescape(m[1]);
      const message = /<Message>([\s\S]*?)<\/Message>/.exec(m[3] || "");
      return { name, method: name.replace(/\(.*$/s, ""), outcome: m[2], message: message ? unescape(message[1]) : null };
    });
}

const failed = r => r.outcome !== "Passed" && r.outcome !== "NotExecuted";

const [command, ...args] = process.argv.slice(2);
switch (command) {
  case "rerun-filter": {
    const methods = new Set(results(args[0]).filter(failed).map(r => r.method));
    console.log([...methods].map(m => "FullyQualifiedName=" + m).join("|"));
    break;
  }
  case "flaky": {
    // A filter that matched nothing proves nothing: every failed method must have passed, and nothing failed again.
    const rerun = results(args[1]);
    const passed = new Set(rerun.filter(r => r.outcome === "Passed").map(r => r.method));
    const ok = results(args[0]).filter(failed).every(r => passed.has(r.method)) && !rerun.some(r => r.outcome !== "Passed");
    process.exit(ok ? 0 : 1);
  }
  case "report": {
    const dir = args[0];
    const flakyFile = path.join(dir, "flaky-projects.txt");
    const flaky = new Set(fs.existsSync(flakyFile) ? fs.readFileSync(flakyFile, "utf8").split("\n").filter(Boolean) : []);
    const lines = [];
    for (const file of fs.existsSync(dir) ? fs.readdirSync(dir).filter(f => f.endsWith(".trx")) : []) {
      const project = file.replace(/\.trx$/, "");
      for (const r of results(path.join(dir, file)).filter(failed)) {
        const text = r.message ? r.message.split("\n").slice(0, 4).join("\n      ").slice(0, 600) : "(no message)";
        const label = flaky.has(project) ? "FLAKY (failed, then passed when run again)" : "FAILED";
        lines.push(`  ${label} ${r.name} (${project})\n      ${text}`);
      }
    }
    if (lines.length > 0) {
      console.log(`== failed or flaky tests (${lines.length})`);
      console.log(lines.slice(0, 20).join("\n"));
      if (lines.length > 20) console.log(`  ... and ${lines.length - 20} more`);
    }
    break;
  }
  default:
    console.error("usage: trx.mjs rerun-filter FIRST.trx | flaky FIRST.trx RERUN.trx | report DIR");
    process.exit(2);
}
