import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel, type Logger, type types } from '@slack/bolt';
import QRCode from 'qrcode';

/**
 * A tiny Bolt app in HTTP mode that exercises every path of the Slack emulator: slash
 * command with `respond()`, a synchronous ack body, buttons, a thread, `chat.update`, a
 * modal with field errors, and a DM with files. It proves the emulator against the real
 * Bolt receiver (signature checks included) without needing flatnet's own bot, and gives
 * the page something to show. It is not flatnet's bot.
 */
export interface SampleBot {
  /** Where the emulator should deliver: `http://127.0.0.1:PORT/slack/events`. */
  url: string;
  app: App;
  close(): Promise<void>;
}

/** A Slack-library logger that says nothing (tests and the sample bot). */
export const silentSlackLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

function requestBlocks(requester: string, target: string): types.KnownBlock[] {
  return [
    { type: 'header', text: { type: 'plain_text', text: `Scale-up of ${target}` } },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text:
          `<@${requester}> asks to scale up \`${target}\`. ` +
          ':hourglass_flowing_sand: *Waiting for approval*',
      },
      fields: [
        { type: 'mrkdwn', text: '*From*\nt3.medium' },
        { type: 'mrkdwn', text: '*To*\nc5.large' },
      ],
    },
    { type: 'divider' },
    {
      type: 'actions',
      block_id: 'approval',
      elements: [
        {
          type: 'button',
          action_id: 'approve',
          text: { type: 'plain_text', text: 'Approve' },
          style: 'primary',
          value: target,
        },
        {
          type: 'button',
          action_id: 'reject',
          text: { type: 'plain_text', text: 'Reject' },
          style: 'danger',
          value: target,
        },
      ],
    },
    { type: 'context', elements: [{ type: 'mrkdwn', text: 'Run `r-7k2m9q` · expires in 30 min' }] },
  ];
}

const peerModal = {
  type: 'modal' as const,
  callback_id: 'add_peer',
  title: { type: 'plain_text' as const, text: 'Add a VPN peer' },
  submit: { type: 'plain_text' as const, text: 'Add peer' },
  close: { type: 'plain_text' as const, text: 'Cancel' },
  blocks: [
    {
      type: 'input',
      block_id: 'name',
      label: { type: 'plain_text', text: 'Peer name' },
      element: {
        type: 'plain_text_input',
        action_id: 'value',
        placeholder: { type: 'plain_text', text: 'alice-laptop' },
      },
    },
    {
      type: 'input',
      block_id: 'region',
      label: { type: 'plain_text', text: 'Hub' },
      element: {
        type: 'static_select',
        action_id: 'value',
        options: [
          { text: { type: 'plain_text', text: 'Tokyo (hub-tokyo-a)' }, value: 'ap-northeast-1' },
          { text: { type: 'plain_text', text: 'Virginia (us-east-1)' }, value: 'us-east-1' },
        ],
      },
    },
    {
      type: 'input',
      block_id: 'kind',
      label: { type: 'plain_text', text: 'Kind' },
      element: {
        type: 'radio_buttons',
        action_id: 'value',
        options: [
          { text: { type: 'plain_text', text: 'WireGuard' }, value: 'wireguard' },
          { text: { type: 'plain_text', text: 'IPsec' }, value: 'ipsec' },
        ],
      },
    },
  ],
};

export async function startSampleBot(options: {
  slackApiUrl: string;
  signingSecret: string;
  botToken: string;
}): Promise<SampleBot> {
  const receiver = new HTTPReceiver({
    signingSecret: options.signingSecret,
    logger: silentSlackLogger,
  });
  // Lazy token verification: Bolt calls auth.test on the first request instead of in the
  // constructor, where a failure would be an unhandled rejection if the emulator closed first.
  const app = new App({
    receiver,
    token: options.botToken,
    tokenVerificationEnabled: false,
    logger: silentSlackLogger,
    clientOptions: { slackApiUrl: options.slackApiUrl, retryConfig: { retries: 0 } },
  });

  app.command('/vpn', async ({ command, ack, respond, client }) => {
    const [verb = 'help', target = 'hub-tokyo-a'] = command.text.trim().split(/\s+/);
    if (verb === 'help')
      return ack({ text: 'Usage: `/vpn status` · `/vpn scaleup <router>` · `/vpn add-peer`' });
    if (verb === 'add-peer') {
      await ack();
      await client.views.open({ trigger_id: command.trigger_id, view: peerModal });
      return;
    }
    await ack();
    if (verb === 'status') {
      await respond({
        response_type: 'in_channel',
        text: ':large_green_circle: 6 routers up, 0 problems',
      });
      return;
    }
    await respond({ text: `:hourglass_flowing_sand: Planning a scale-up of \`${target}\`…` });
    const root = await client.chat.postMessage({
      channel: command.channel_id,
      text: `Scale-up of ${target}`,
      blocks: requestBlocks(command.user_id, target),
    });
    await client.chat.postMessage({
      channel: command.channel_id,
      thread_ts: root.ts,
      text: ':white_check_mark: load facts: load 0.93 over 0.80',
    });
  });

  app.action('approve', async ({ ack, body, client }) => {
    await ack();
    if (body.type !== 'block_actions' || !body.channel || !body.message) return;
    const target = (body.actions[0] as { value?: string }).value ?? '';
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: `Scale-up of ${target}` } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `:white_check_mark: *Approved* by <@${body.user.id}>` },
      },
    ];
    await client.chat.update({
      channel: body.channel.id,
      ts: body.message.ts,
      text: `Approved by ${body.user.id}`,
      blocks,
    });
    await client.chat.postMessage({
      channel: body.channel.id,
      thread_ts: body.message.ts,
      text: `:rocket: approved by <@${body.user.id}>, starting`,
    });
  });

  app.action('reject', async ({ ack, respond, body }) => {
    await ack();
    await respond({ replace_original: true, text: `:x: Rejected by <@${body.user.id}>` });
  });

  app.view('add_peer', async ({ ack, view, body, client }) => {
    const name = view.state.values.name?.value?.value ?? '';
    if (!/^[A-Za-z0-9_-]+$/.test(name)) {
      await ack({
        response_action: 'errors',
        errors: { name: 'Use letters, digits, - and _ only (e.g. alice-laptop)' },
      });
      return;
    }
    await ack();
    const dm = await client.conversations.open({ users: body.user.id });
    const config =
      '[Interface]\nAddress = 10.99.0.2/32\n\n' + '[Peer]\nEndpoint = vpn.example.net:51820\n';
    await client.filesUploadV2({
      channel_id: dm.channel?.id ?? '',
      initial_comment: `:white_check_mark: Peer *${name}* added. Here is your configuration:`,
      file_uploads: [
        { file: await QRCode.toBuffer(config), filename: `${name}.png`, title: `${name} QR code` },
        { content: config, filename: `${name}.conf`, title: `${name}.conf` },
      ],
    });
  });

  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    app,
    close: async () => {
      server.closeAllConnections();
      await app.stop();
    },
  };
}
