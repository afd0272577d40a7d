/**
 * `F`: whether the app follows new flows and bytes. One state, made by the app and read by both
 * panes (the flow list and the conversation): a move away from the end in either pane turns it
 * off for both, so FOLLOW in the status row always means both follow; `F` turns it on for both.
 */
export interface Following {
  on: boolean;
}

/** A state of its own, not following: for a pane used alone (tests, tools). */
export function notFollowing(): Following {
  return { on: false };
}
