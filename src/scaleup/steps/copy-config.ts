/**
 * Execute step 4: the old router's running configuration, with its private address rewritten
 * to the new one and hardware ids dropped, committed and saved on the new router. The old
 * router still forwards; the new one has the configuration but not the Elastic IP, so its
 * tunnels stay down until the cutover.
 */
import type { StepAction } from '../../runbook/define-step.js';
import { redactSecrets } from '../../vyos/redact-secrets.js';
import { rewritePrivateAddress, showConfigLine } from '../../vyos/rewrite-private-address.js';
import type { ScaleDeps } from '../scale-deps.js';
import { SCALE_STEPS, type CopyConfigPreview, type CopyConfigResult } from '../scale-steps.js';

const SHOWN_CHANGES = 20;

export const copyConfig: StepAction<ScaleDeps, CopyConfigResult | CopyConfigPreview> = async (
  ctx,
) => {
  const facts = ctx.result(SCALE_STEPS.loadFacts);
  const { cloud, routers } = ctx.deps;
  const old = routers.router(facts.router);
  const [config, ipsec, bgp] = await Promise.all([
    old.runningConfig(),
    old.ipsecReport(),
    old.bgpSummary(),
  ]);
  // What the new router must match before routes move: read now, while the old one forwards.
  const expectedSas = ipsec.sas.filter((sa) => sa.state === 'up').map((sa) => sa.connection);
  const expectedBgp = (bgp?.neighbors ?? [])
    .filter((n) => n.state === 'Established')
    .map((n) => n.address);

  if (ctx.dryRun) {
    // The new router does not exist, so nothing can be compared on it: show what would change.
    const preview = rewritePrivateAddress(config, {
      from: facts.privateIp,
      to: '<new-private-ip>',
      preview: true,
    });
    const shown = preview.changes
      .slice(0, SHOWN_CHANGES)
      .map((c) => (c.after ? `~ ${showConfigLine(c.after)}` : `- ${showConfigLine(c.before)}`));
    // One note of several lines: the thread shows it as a code block, whole lines only.
    if (shown.length > 0)
      await ctx.note(
        `the copy would change ${preview.changes.length} of ${preview.lines.length} lines` +
          `${preview.changes.length > shown.length ? ` (the first ${shown.length})` : ''}:\n` +
          shown.map((l) => redactSecrets(l)).join('\n'),
      );
    const result: CopyConfigPreview = {
      dryRun: true,
      lines: preview.lines.length,
      changed: preview.changes.length,
      changes: shown.map((l) => redactSecrets(l)),
    };
    return {
      result,
      detail:
        `would apply ${preview.lines.length} set lines; ${preview.changes.length} differ ` +
        `from ${facts.router}'s (address rewritten, hw-id and system login dropped)`,
    };
  }

  const fresh = ctx.result(SCALE_STEPS.waitRunning);
  const rewrite = rewritePrivateAddress(config, { from: facts.privateIp, to: fresh.privateIp });
  const instance = await cloud.describeInstance(facts.region, fresh.instanceId);
  const ssh = await ctx.deps.replacementSsh(instance);
  // Trust on first use, and only here: this instance was found by this run's client token.
  const hostKey = await ctx.deps.scanHostKey(ssh);
  const client = routers.forInstance({
    name: `${facts.router}/${fresh.instanceId}`,
    host: ssh.host,
    port: ssh.port,
    hostKey,
    sameLoginAs: facts.router,
  });
  // Applying the same lines again commits nothing (no changes): safe to repeat after a crash.
  const applied = await client.applyConfig(rewrite.lines, { save: true });
  const dropped = rewrite.changes.filter((c) => !c.after && c.before.path.includes('hw-id')).length;
  const loginLeft = rewrite.changes.filter((c) => !c.after).length - dropped;
  const result: CopyConfigResult = {
    hostKey,
    sshHost: ssh.host,
    sshPort: ssh.port,
    lines: rewrite.lines.length,
    rewritten: rewrite.changes.length - dropped - loginLeft,
    droppedHwIds: dropped,
    expectedSas,
    expectedBgp,
  };
  return {
    result,
    detail:
      `${rewrite.lines.length} lines ` +
      `${applied.committed ? 'committed and saved' : 'already in place'} ` +
      `on ${fresh.instanceId}; ${result.rewritten} rewritten ` +
      `to ${fresh.privateIp}, ${dropped} hw-id dropped` +
      (loginLeft > 0 ? `, ${loginLeft} system login lines left to the new image` : '') +
      `; host key ${hostKey.slice(0, 24)}… pinned for this run`,
  };
};
