/**
 * One Slack thread per incident: the root message carries the state and the whole timeline
 * (detected, decided, acted, verified) and is edited in place; each new timeline entry is
 * also a reply in the thread. A Slack outage never fails a round: the next change repaints
 * the root from the stored timeline.
 */
import type { Logger } from '../log.js';
import type { ChatPort } from '../slack/chat-port.js';
import type { Incident } from './monitor-types.js';

export function describeIncident(incident: Incident): string {
  const state =
    incident.resolvedAt !== undefined ? ':white_check_mark: resolved' : ':rotating_light: open';
  const lines = incident.timeline.map(
    (e) => `• ${new Date(e.at).toISOString().slice(11, 19)} UTC ${e.what}: ${e.text}`,
  );
  const run = incident.runId ? ` · run ${incident.runId}` : '';
  return [`${state} — monitor incident ${incident.id} on ${incident.router}${run}`, ...lines].join(
    '\n',
  );
}

export interface IncidentThreads {
  /** Posts or repaints the incident's thread; returns the incident with its thread ts. */
  sync(incident: Incident): Promise<Incident>;
}

export function createIncidentThreads(options: {
  chat: ChatPort;
  channel: string;
  logger: Logger;
}): IncidentThreads {
  const { chat, channel, logger } = options;
  return {
    async sync(incident) {
      const text = describeIncident(incident);
      try {
        if (!incident.threadTs) {
          const { ts } = await chat.postMessage({ channel, text });
          return { ...incident, threadTs: ts };
        }
        await chat.updateMessage({ channel, ts: incident.threadTs, text });
        const latest = incident.timeline[incident.timeline.length - 1];
        if (latest) {
          await chat.postMessage({
            channel,
            threadTs: incident.threadTs,
            text: `${latest.what}: ${latest.text}`,
          });
        }
      } catch (err) {
        logger.warn(
          { err, incident: incident.id },
          'monitor: could not update the incident thread',
        );
      }
      return incident;
    },
  };
}
