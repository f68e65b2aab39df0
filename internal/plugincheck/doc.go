// Package plugincheck is an offline re-implementation of the rules of
// Grafana's plugin validator (github.com/grafana/plugin-validator), written
// from a specification of its analyzers rather than from its code, for
// environments where the validator cannot be installed.
//
// Check unpacks a plugin ZIP and runs every analyzer that works offline,
// using the official analyzer and rule names and severities, so a finding
// here reads like one from the validator:
//
//   - layout: archive, archivename, manifest (MANIFEST.txt contents; the
//     PGP signature is not verified), checksum (with Options.Checksum)
//   - plugin.json: metadata, nestedmetadata, metadatavalid (the schema rules
//     are encoded in Go, see schema.go), logos, metadatapaths, screenshots,
//     includesnested, typesuffix, pluginname, discoverability,
//     grafanadependency, restrictivedep, sponsorshiplink, version,
//     circulardependencies
//   - files: modulejs, unsafesvg, readme, templatereadme, jargon,
//     changelog, license, brokenlinks (relative README links only)
//   - backend: backendbinary, binarypermissions, backenddebug
//   - with Options.SourceDir: jsMap, packagejson, legacybuilder,
//     buildtools, sdkusage, go-manifest
//
// Deliberate differences from the official validator:
//
//   - binarypermissions reads the mode stored in the ZIP entry, not the
//     mode of the extracted file (which the umask has masked), so 0775 or
//     0777 binaries fail here although they pass there.
//   - license recognises license texts by key phrases instead of
//     go-license-detector; a text that is heavily edited may be judged
//     differently.
//   - legacybuilder fires as intended; the official one never fires.
//   - analyzers run in a fixed order and output is deterministic; file
//     paths in titles are shown inside the archive rather than as
//     temporary paths.
//   - a failing prerequisite (unusable layout, unparseable plugin.json,
//     no source dir) is listed in Report.Skipped instead of being silent.
//
// Not checked (listed in Report.Skipped): analyzers needing the network or
// external tools (virusscan, code-rules, go-sec, govulncheck, osv-scanner,
// llmreview, codediff, published-plugin, org, legacyplatform, safelinks,
// provenance, signature, reactcompat, plugindocs) and the network halves
// of brokenlinks, circulardependencies, sdkusage, version and manifest.
// trackingscripts is also skipped and reports nothing: it matches URLs in
// module.js against a blocklist of about 15,000 tracker domains embedded
// in the validator, which this package does not carry.
package plugincheck
