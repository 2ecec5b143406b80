/**
 * Slash commands in HTTP mode, answered at the door: once `checkSlackEnvelope` has verified
 * the request (signature and timestamp, before anything is acknowledged or acted on), a slash
 * command goes straight to its listener, which acks it; Bolt's HTTPReceiver never sees it.
 * Bolt would parse the body again, check the signature a second time, arm a 3 s timer and run
 * its middleware chain first: most of the CPU of an ack that was not Node's HTTP itself, and a
 * burst of 200 commands is answered one after another on one event loop
 * (docs/performance.md). Everything else at /slack/events (buttons, forms) still goes to Bolt.
 *
 * The listener gets what Bolt would give it: the command (the form's fields, as Bolt parses
 * them), `ack` (answered as Bolt's HTTPResponseAck answers: nothing, text, or JSON), `respond`
 * (a POST to the command's response_url, as Bolt's createRespond) and the app's Web API
 * client. The workspace check (`only-installed-workspace.ts`) is the same as Bolt's chain's.
 */
import type { ServerResponse } from 'node:http';
import type { AckFn, App, RespondArguments, RespondFn, SlashCommand } from '@slack/bolt';
import type { Logger } from '../log.js';
import {
  FOREIGN_COMMAND_ANSWER,
  refusedAsForeign,
  type InstalledWorkspace,
} from './only-installed-workspace.js';

export interface SlashCommandArgs {
  command: SlashCommand;
  ack: AckFn<string | RespondArguments>;
  respond: RespondFn;
  client: App['client'];
}

/** Acks before any I/O of its own, so the answer never waits on Redis or a router. */
export type SlashCommandListener = (args: SlashCommandArgs) => Promise<void>;

/** Where slash commands are listened for: this door in HTTP mode, Bolt in Socket Mode. */
export interface SlashCommandRoutes {
  command(name: string, listener: SlashCommandListener): void;
}

export interface SlashFrontDoor extends SlashCommandRoutes {
  /**
   * Answers a verified request if it is a slash command with a listener here; false (and the
   * response untouched) if not, for Bolt to take it.
   */
  answer(form: URLSearchParams, res: ServerResponse): boolean;
}

export function createSlashFrontDoor(options: {
  installed: () => InstalledWorkspace | undefined;
  client: App['client'];
  logger: Logger;
}): SlashFrontDoor {
  const listeners = new Map<string, SlashCommandListener>();
  return {
    command(name, listener) {
      listeners.set(name, listener);
    },
    answer(form, res) {
      // Slack's `ssl_check` and interactive payloads are Bolt's to answer.
      if (form.has('payload') || form.has('ssl_check')) return false;
      // One value a field (the last, should one repeat): the listener is chosen by what it reads.
      const command = Object.fromEntries(form) as unknown as SlashCommand;
      const name = command.command;
      const listener = typeof name === 'string' ? listeners.get(name) : undefined;
      if (!listener) return false;
      const ack = ackOnce(res);
      if (refusedAsForeign(options.installed(), command, options.logger)) {
        void ack.fn(FOREIGN_COMMAND_ANSWER);
        return true;
      }
      void listener({
        command,
        ack: ack.fn,
        respond: respondTo(command.response_url),
        client: options.client,
      }).then(
        () => {
          if (ack.answered()) return;
          const err = new Error('the slash command listener returned without acknowledging');
          options.logger.error({ err, command: name }, 'a slash command listener failed');
          ack.fail();
        },
        (err: unknown) => {
          options.logger.error({ err, command: name }, 'a slash command listener failed');
          if (!ack.answered()) ack.fail();
        },
      );
      return true;
    },
  };
}

/**
 * `ack` as Bolt's HTTPResponseAck writes it (buildContentResponse): nothing, a text body, or
 * JSON; a second call throws as Bolt's does. `fail` answers 500, as Bolt does when a listener
 * fails before its ack.
 */
function ackOnce(res: ServerResponse) {
  let acked = false;
  const fn: AckFn<string | RespondArguments> = async (body) => {
    if (acked) throw new Error('a slash command was acknowledged twice');
    acked = true;
    if (!body) res.writeHead(200).end();
    else if (typeof body === 'string') res.writeHead(200).end(body);
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  return {
    fn,
    answered: () => acked,
    fail() {
      acked = true;
      res.writeHead(500).end();
    },
  };
}

/** Bolt's `respond` (context/create-respond.js): a JSON POST; a refusal by Slack throws. */
function respondTo(responseUrl: string): RespondFn {
  return async (message) => {
    const response = await fetch(responseUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(typeof message === 'string' ? { text: message } : message),
    });
    if (!response.ok) throw new Error(`the response_url refused the answer: ${response.status}`);
    return response;
  };
}
