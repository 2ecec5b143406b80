/**
 * `/vpn add-peer` with no arguments: a form (name, kind, public key or remote address and
 * subnets). The submission is checked field by field and then by the same grammar and planner
 * as the slash command, so the form can never accept what the command would refuse; problems
 * found from the inventory come back as field-level errors and the form stays open. A valid
 * submission starts the run exactly as the slash command does, in the inventory's channel; a
 * key refused by the check against the routers (after the form closed: it may take longer
 * than Slack lets a form wait) comes as a private message in that channel.
 */
import type { App } from '@slack/bolt';
import { receiveSlashCommand, type SlashDeps } from './handle-slash-command.js';
import { whenBurstAcked } from './slash-listener.js';
import type { BurstDeferral } from '../src/slack/reporter/defer-during-burst.js';
import { checkSiteFields } from '../src/onboarding/add-peer-request.js';

export const ADD_PEER_CALLBACK_ID = 'flatnet-add-peer';

/** block_id of each field; each input has the action_id `value`. */
export const FIELDS = {
  name: 'peer_name',
  kind: 'peer_kind',
  pubkey: 'peer_pubkey',
  remote: 'peer_remote',
  subnets: 'peer_subnets',
} as const;

const text = (t: string) => ({ type: 'plain_text' as const, text: t });

function input(
  blockId: string,
  label: string,
  hint: string,
  optional: boolean,
  placeholder: string,
) {
  return {
    type: 'input',
    block_id: blockId,
    optional,
    label: text(label),
    hint: text(hint),
    element: {
      type: 'plain_text_input',
      action_id: 'value',
      max_length: 300,
      placeholder: text(placeholder),
    },
  };
}

export function buildAddPeerModal(): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: ADD_PEER_CALLBACK_ID,
    title: text('Add a VPN peer'),
    submit: text('Add peer'),
    close: text('Cancel'),
    blocks: [
      input(
        FIELDS.name,
        'Name',
        'Letters, digits, - and _ (1–32), unique on the router, e.g. alice-laptop',
        false,
        'alice-laptop',
      ),
      {
        type: 'input',
        block_id: FIELDS.kind,
        label: text('Kind'),
        element: {
          type: 'radio_buttons',
          action_id: 'value',
          initial_option: { text: text('WireGuard (a person)'), value: 'wireguard' },
          options: [
            { text: text('WireGuard (a person)'), value: 'wireguard' },
            { text: text('IPsec (a site)'), value: 'ipsec' },
          ],
        },
      },
      input(
        FIELDS.pubkey,
        'WireGuard public key',
        'Recommended: flatnet then never sees your private ' +
          'key. Leave empty to get a generated key pair by DM.',
        true,
        'output of `wg pubkey`',
      ),
      input(
        FIELDS.remote,
        'IPsec: remote public address',
        "The site's public IPv4 address",
        true,
        '198.51.100.7',
      ),
      input(
        FIELDS.subnets,
        'IPsec: subnets behind the site',
        'Comma-separated CIDRs that do not overlap the flat network',
        true,
        '192.168.10.0/24,192.168.20.0/24',
      ),
    ],
  };
}

export async function openAddPeerModal(client: App['client'], triggerId: string): Promise<void> {
  await client.views.open({ trigger_id: triggerId, view: buildAddPeerModal() as never });
}

type StateValues = Record<
  string,
  Record<string, { value?: string | null; selected_option?: { value?: string } | null }>
>;

function read(values: StateValues, blockId: string): string {
  const field = values[blockId]?.value;
  return (field?.value ?? field?.selected_option?.value ?? '').trim();
}

/** Which field a refusal is about, from the words of its problem (never of its hint). */
function fieldOf(raw: string, kind: string): string {
  // What the person typed is quoted in the message: it must not steer the choice.
  const message = raw.replace(/"[^"]*"/g, '""');
  if (/pubkey|public key|private key/i.test(message)) return FIELDS.pubkey;
  if (/--remote|remote address|already site-to-site peer/i.test(message)) return FIELDS.remote;
  if (/subnet|overlap|CIDR/i.test(message)) return FIELDS.subnets;
  if (/kind/i.test(message)) return FIELDS.kind;
  return kind === 'ipsec' && /address/i.test(message) ? FIELDS.remote : FIELDS.name;
}

/** The command's options as the form names its fields. */
const FORM_WORDS: [RegExp, string][] = [
  [/--pubkey\b/g, 'the WireGuard public key'],
  [/--remote\b/g, 'the remote public address'],
  [/--subnets\b/g, 'the subnets'],
  [/--bgp\b/g, 'BGP'],
  [/--router\b/g, 'the router'],
];

/**
 * The refusals of the command behind the form, each as an error under the field it is about:
 * the problem, then its fix unless the fix is the command's usage (meaningless in a form), in
 * the form's words, whole (never cut: the person needs the end of the sentence too). Every
 * problem is shown at once; two about one field share it.
 */
export function formErrorsOf(
  refusals: ReadonlyArray<{ message: string; hint?: string }>,
  kind: string,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const refusal of refusals) {
    const fix = refusal.hint && !/usage:|\/vpn /.test(refusal.hint) ? refusal.hint : undefined;
    let text = fix ? `${refusal.message}: ${fix}` : refusal.message;
    for (const [option, words] of FORM_WORDS) text = text.replace(option, words);
    const field = fieldOf(refusal.message, kind);
    errors[field] = errors[field] ? `${errors[field]}; ${text}` : text;
  }
  return errors;
}

function subnetsOf(values: StateValues): string[] {
  return read(values, FIELDS.subnets)
    .split(/\s*,\s*/)
    .filter((s) => s !== '');
}

/**
 * The submission as a command line, or field errors. Every field is one word: a space would
 * let a field smuggle another flag into the command line (`alice --router x`).
 */
export function commandFromForm(
  values: StateValues,
): { text: string } | { errors: Record<string, string> } {
  const name = read(values, FIELDS.name);
  const kind = read(values, FIELDS.kind) || 'wireguard';
  const pubkey = read(values, FIELDS.pubkey);
  const remote = read(values, FIELDS.remote);
  const subnets = subnetsOf(values).join(',');
  const errors: Record<string, string> = {};
  const oneWord = (value: string, block: string, what: string) => {
    if (/\s/.test(value)) errors[block] = `${what} cannot contain spaces or line breaks`;
  };
  if (name === '') errors[FIELDS.name] = 'give the peer a name, e.g. alice-laptop';
  oneWord(name, FIELDS.name, 'a name');
  oneWord(pubkey, FIELDS.pubkey, 'a public key');
  oneWord(remote, FIELDS.remote, 'an address');
  oneWord(subnets, FIELDS.subnets, 'the subnet list');
  if (kind === 'ipsec') {
    if (remote === '') errors[FIELDS.remote] = "an IPsec peer needs the site's public address";
    if (subnets === '') errors[FIELDS.subnets] = 'an IPsec peer needs the networks behind it';
    if (pubkey !== '')
      errors[FIELDS.pubkey] = 'an IPsec peer has no WireGuard key: leave this empty';
  } else if (remote !== '' || subnets !== '') {
    errors[remote !== '' ? FIELDS.remote : FIELDS.subnets] =
      'remote address and subnets are for IPsec peers: choose IPsec, or leave them empty';
  }
  if (Object.keys(errors).length > 0) return { errors };
  const text =
    kind === 'ipsec'
      ? `add-peer ${name} ipsec --remote ${remote} --subnets ${subnets}`
      : `add-peer ${name}${pubkey ? ` --pubkey ${pubkey}` : ''}`;
  return { text };
}

export function registerAddPeerModal(app: App, slash: SlashDeps, afterAck?: BurstDeferral): void {
  app.view(ADD_PEER_CALLBACK_ID, async ({ ack, body, view, client }) => {
    const values: StateValues = view.state.values;
    const form = commandFromForm(values);
    if ('errors' in form) {
      await ack({ response_action: 'errors', errors: form.errors });
      return;
    }
    const channel = slash.inventory.slack.channel;
    const user = body.user.id;
    const kind = read(values, FIELDS.kind) || 'wireguard';
    const reply = receiveSlashCommand(slash, {
      command: '/vpn',
      text: form.text,
      user,
      origin: { kind: 'slack', channel },
    });
    if (reply.kind === 'later') {
      // The form closes at once; the key check against the routers runs after (as the slash
      // command's does), and a refusal then comes as a private message in the channel.
      await ack();
      await whenBurstAcked(afterAck, async () => {
        const done = await reply.finish();
        if (done.kind !== 'reply') return;
        const refusals = done.refusals ?? [{ message: done.message.text }];
        const problems = Object.values(formErrorsOf(refusals, kind));
        const text = `Your add-peer form was not taken: ${problems.join('; ')}`;
        await client.chat
          .postEphemeral({ channel, user, text })
          .catch((err: unknown) =>
            slash.logger?.error(
              { err, ...(reply.runId ? { runId: reply.runId } : {}) },
              'could not tell the person why the add-peer form was not taken',
            ),
          );
      });
      return;
    }
    const refusals =
      reply.kind === 'reply'
        ? (reply.refusals ?? [{ message: reply.message.text }])
        : [{ message: 'use the form with a name' }];
    const errors = formErrorsOf(refusals, kind);
    // A field that did not parse stops the planning: the site's fields are still checked
    // against the inventory, so every field's problem shows at once.
    if (kind === 'ipsec') {
      const more = checkSiteFields(slash.inventory, {
        ...(errors[FIELDS.remote] ? {} : { remote: read(values, FIELDS.remote) }),
        ...(errors[FIELDS.subnets] ? {} : { subnets: subnetsOf(values) }),
      });
      Object.assign(errors, formErrorsOf(more, kind), errors);
    }
    await ack({ response_action: 'errors', errors });
  });
}
