// Placeholder until the audit command lands (same issue).
process.stdout.write('oauth-lens\n');
