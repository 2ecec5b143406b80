import { EventEmitter } from 'node:events';
import type {
  SimApiCall,
  SimChannel,
  SimEphemeral,
  SimFile,
  SimMessage,
  SimUser,
  SimUsergroup,
  SimView,
  StoreChange,
} from './types.js';

/**
 * Everything the emulated workspace holds: what the bot posted, what people typed, files,
 * modals. Tests read it to assert what a person would see; the web page renders it. Every
 * change is emitted as a `change` event (the page's live updates hang off it).
 */
export class SlackStore extends EventEmitter<{ change: [StoreChange] }> {
  readonly users = new Map<string, SimUser>();
  readonly channels = new Map<string, SimChannel>();
  readonly usergroups = new Map<string, SimUsergroup>();
  readonly files = new Map<string, SimFile>();
  readonly views = new Map<string, SimView>();
  readonly apiCalls: SimApiCall[] = [];
  private readonly messagesByChannel = new Map<string, SimMessage[]>();
  private readonly ephemeralMessages: SimEphemeral[] = [];
  private lastTsMicros = 0;

  constructor(
    readonly botUser: SimUser,
    users: SimUser[],
    channels: { id: string; name: string }[],
    usergroups: SimUsergroup[],
    private readonly now: () => number = Date.now,
  ) {
    super();
    for (const u of [botUser, ...users]) this.users.set(u.id, u);
    for (const c of channels) this.addChannel({ id: c.id, name: c.name, isIm: false });
    for (const g of usergroups) this.usergroups.set(g.id, g);
  }

  /** A Slack timestamp: seconds.micros, unique and increasing even within one millisecond. */
  nextTs(): string {
    const micros = Math.max(this.now() * 1000, this.lastTsMicros + 100);
    this.lastTsMicros = micros;
    const seconds = Math.floor(micros / 1_000_000);
    return `${seconds}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  private addChannel(channel: SimChannel): SimChannel {
    this.channels.set(channel.id, channel);
    this.messagesByChannel.set(channel.id, []);
    return channel;
  }

  /**
   * The bot's direct-message channel with one person (`U0ALICE` → `D0ALICE`), opened on first use.
   */
  openDm(userId: string): SimChannel | undefined {
    const user = this.users.get(userId);
    if (!user || user.isBot) return undefined;
    const id = `D${userId.slice(1)}`;
    return (
      this.channels.get(id) ?? this.addChannel({ id, name: user.name, isIm: true, user: userId })
    );
  }

  /**
   * What Slack accepts as a `channel` argument: an id, `#name`, `name`, or a user id (their DM).
   */
  resolveChannel(ref: string): SimChannel | undefined {
    if (this.channels.has(ref)) return this.channels.get(ref);
    if (/^[UW]/.test(ref) && this.users.has(ref)) return this.openDm(ref);
    const name = ref.replace(/^#/, '');
    return [...this.channels.values()].find((c) => !c.isIm && c.name === name);
  }

  /** Top-level messages of a channel, oldest first. */
  messages(channel: string): SimMessage[] {
    return (this.messagesByChannel.get(channel) ?? []).filter((m) => m.threadTs === undefined);
  }

  /** Replies in a thread, oldest first (without the parent). */
  replies(channel: string, threadTs: string): SimMessage[] {
    return (this.messagesByChannel.get(channel) ?? []).filter((m) => m.threadTs === threadTs);
  }

  allMessages(channel: string): SimMessage[] {
    return [...(this.messagesByChannel.get(channel) ?? [])];
  }

  message(channel: string, ts: string): SimMessage | undefined {
    return this.messagesByChannel.get(channel)?.find((m) => m.ts === ts);
  }

  postMessage(input: Omit<SimMessage, 'ts' | 'replyCount'>): SimMessage {
    const list = this.messagesByChannel.get(input.channel);
    if (!list) throw new Error(`no channel ${input.channel} in the Slack emulator`);
    const message: SimMessage = { ...input, ts: this.nextTs(), replyCount: 0 };
    list.push(message);
    if (message.threadTs) {
      const parent = list.find((m) => m.ts === message.threadTs);
      if (parent) {
        parent.replyCount += 1;
        parent.latestReply = message.ts;
      }
    }
    this.emit('change', {
      kind: 'message',
      channel: message.channel,
      ts: message.ts,
      threadTs: message.threadTs,
    });
    return message;
  }

  updateMessage(
    channel: string,
    ts: string,
    patch: Pick<SimMessage, 'text' | 'blocks'>,
  ): SimMessage | undefined {
    const message = this.message(channel, ts);
    if (!message) return undefined;
    message.text = patch.text;
    message.blocks = patch.blocks;
    message.editedTs = this.nextTs();
    this.emit('change', { kind: 'message-changed', channel, ts });
    return message;
  }

  deleteMessage(channel: string, ts: string): boolean {
    const list = this.messagesByChannel.get(channel);
    const index = list?.findIndex((m) => m.ts === ts) ?? -1;
    if (!list || index < 0) return false;
    const [removed] = list.splice(index, 1);
    const parent = removed?.threadTs ? list.find((m) => m.ts === removed.threadTs) : undefined;
    if (parent) parent.replyCount = Math.max(0, parent.replyCount - 1);
    this.emit('change', { kind: 'message-deleted', channel, ts });
    return true;
  }

  /** Ephemeral messages one person sees (optionally in one channel), oldest first. */
  ephemerals(user: string, channel?: string): SimEphemeral[] {
    return this.ephemeralMessages.filter(
      (e) => e.user === user && (channel === undefined || e.channel === channel),
    );
  }

  ephemeral(user: string, ts: string): SimEphemeral | undefined {
    return this.ephemeralMessages.find((e) => e.user === user && e.ts === ts);
  }

  postEphemeral(input: Omit<SimEphemeral, 'ts'>): SimEphemeral {
    const message: SimEphemeral = { ...input, ts: this.nextTs() };
    this.ephemeralMessages.push(message);
    this.emit('change', {
      kind: 'ephemeral',
      channel: message.channel,
      ts: message.ts,
      user: message.user,
    });
    return message;
  }

  replaceEphemeral(
    user: string,
    ts: string,
    patch: Pick<SimEphemeral, 'text' | 'blocks'>,
  ): SimEphemeral | undefined {
    const message = this.ephemeral(user, ts);
    if (!message) return undefined;
    message.text = patch.text;
    message.blocks = patch.blocks;
    this.emit('change', { kind: 'ephemeral', channel: message.channel, ts, user });
    return message;
  }

  deleteEphemeral(user: string, ts: string): boolean {
    const index = this.ephemeralMessages.findIndex((e) => e.user === user && e.ts === ts);
    if (index < 0) return false;
    const [removed] = this.ephemeralMessages.splice(index, 1);
    if (removed)
      this.emit('change', { kind: 'ephemeral-deleted', channel: removed.channel, ts, user });
    return true;
  }

  addFile(file: SimFile): SimFile {
    this.files.set(file.id, file);
    this.emit('change', { kind: 'file', id: file.id });
    return file;
  }

  /** Files shared into a channel (or a DM), in upload order. */
  filesIn(channel: string): SimFile[] {
    return [...this.files.values()].filter((f) => f.completed && f.channel === channel);
  }

  /** The modals open for a person, bottom of the stack first. */
  viewStack(user: string): SimView[] {
    return [...this.views.values()].filter((v) => v.user === user);
  }

  putView(view: SimView): void {
    // Re-inserting keeps the Map's order equal to the stack order after an update.
    this.views.set(view.id, view);
    this.emit('change', { kind: 'view', user: view.user, viewId: view.id });
  }

  closeView(viewId: string): void {
    const view = this.views.get(viewId);
    if (!view) return;
    this.views.delete(viewId);
    this.emit('change', { kind: 'view-closed', user: view.user, viewId });
  }

  /** Close every view of the stack a view belongs to (`response_action: 'clear'`). */
  closeStack(rootViewId: string): void {
    for (const v of [...this.views.values()]) if (v.rootViewId === rootViewId) this.closeView(v.id);
  }
}
