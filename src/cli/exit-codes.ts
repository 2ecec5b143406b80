/** `flatnet run` and `flatnet approve` exit codes: scripts and tests branch on them. */
export const EXIT = {
  succeeded: 0,
  failed: 1,
  badInput: 2,
  /** The run waits for a second person: approve it with `flatnet approve <run> --as USER`. */
  awaitingApproval: 3,
  /** Rejected, expired or cancelled: nothing was changed. */
  notApproved: 4,
  /** Redis, the inventory or another precondition is missing. */
  environment: 5,
} as const;
