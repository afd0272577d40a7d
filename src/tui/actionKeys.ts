/**
 * The keys that write files: `s` saves a flow, `b` a body or a mail, `y` copies a curl command
 * (and saves it), `w` writes a pcap. Each picks what it acts on, says what it does in the status
 * message, and says where the files went or why it failed. The writing itself is the CLI's
 * {@link TuiActions}.
 */
import { countOf } from '../core/count.js';
import { statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { FlowKey } from '../core/types.js';
import type { FlowStore } from '../store/flowStore.js';
import type { LineItem } from '../messages/lines.js';
import type { MessagesOf } from './flowList/filter.js';
import type { ConversationPane } from './conversationPane.js';
import { bodyInView, bodyOfExchange, mailInView, type BodyTarget, type MailTarget } from './conversation/bodyInView.js';
import { messageWithPath, type StatusMessage } from './statusMessage.js';
import { bodyFitsCommandLine, curlCommand, requestPayload } from './actions/curl.js';
import { mailFileName } from './actions/bodyName.js';
import { bodyTargetName, savedBodyMessage, type SavedBody } from './actions/saveBody.js';
import { savedMailMessage, type SavedMail } from './actions/saveMail.js';
import { writtenPcapPrefix, type WrittenPcap } from './actions/writePcap.js';

/** What the app does for `s`, `w` and `y` (files are written by the CLI's choice of code). */
export interface TuiActions {
  /** Saves one flow; resolves with the paths written. Rejects with a one-line message. */
  saveFlow(flowId: number): Promise<readonly string[]>;
  /** Writes flows to a pcap file at `path`; resolves with what was written. */
  writePcap(flowIds: readonly number[], path: string): Promise<WrittenPcap>;
  /**
   * Writes new files named like `names` (one suffix for all when one is taken), their contents
   * made from their paths by `contentsOf`; resolves with the paths. Rejects with a one-line
   * message, leaving no file behind.
   */
  saveFiles(names: readonly string[], contentsOf: (paths: readonly string[]) => readonly (string | Uint8Array)[]): Promise<readonly string[]>;
  /** Writes the body of `target` (flow `flowId`), decoded, to a new file at `place`; rejects with a one-line message. */
  saveBody(flowId: number, target: BodyTarget, place: SavePlace): Promise<SavedBody>;
  /** Writes the mail of SMTP DATA block `target` (flow `flowId`) to a new `.eml` file at `place`; rejects with a one-line message. */
  saveMail(flowId: number, target: MailTarget, place: SavePlace): Promise<SavedMail>;
}

/**
 * Where `b` writes: into `directory` (relative to the current one, or absolute), under `name`
 * when the user typed one (written only when free), else under the name offered, or the next
 * free suffix of it when that is taken.
 */
export interface SavePlace {
  readonly directory: string;
  readonly name?: string;
}

/** What `b` offered to save, until its prompt is answered. */
type OfferedSave =
  | { readonly kind: 'body'; readonly flowId: number; readonly target: BodyTarget }
  | { readonly kind: 'mail'; readonly flowId: number; readonly target: MailTarget };

/** What the keys read of the app. */
export interface ActionScene {
  readonly actions: TuiActions;
  readonly store: Pick<FlowStore, 'read' | 'getFlow'>;
  readonly messages: MessagesOf | undefined;
  readonly conversation: Pick<ConversationPane, 'flowId' | 'exchangeInView' | 'placesInView'>;
  readonly status: StatusMessage;
  readonly ellipsis: string;
  /** The flow `s` and `y` act on: the conversation's when it has the focus, else the list's selection. */
  actedOnFlowId(): number | undefined;
  /** The exchange list's selection while the list has the focus (what `y` copies then). */
  selectedExchange(): { readonly flowId: number; readonly index: number } | undefined;
  /** The flows `w` writes: the ones the list shows. */
  shownFlowIds(): readonly number[];
  /** Writes `sequence` to the terminal (the OSC 52 copy). */
  writeToTerminal(sequence: string): void;
}

/** The file-writing keys over one app's scene. */
export class ActionKeys {
  private offered: OfferedSave | undefined;

  constructor(private readonly scene: ActionScene) {}

  /** `s`: the flow acted on, to files in the current directory. */
  saveFlow(): void {
    const { status } = this.scene;
    const id = this.scene.actedOnFlowId();
    if (id === undefined) return status.say('no flow selected');
    status.say(`saving flow ${id}…`);
    this.scene.actions.saveFlow(id).then(
      (paths) => status.say(savedMessage(paths, status.columns(), this.scene.ellipsis)),
      (error: unknown) => status.sayError(error),
    );
  }

  /**
   * `y`: as a curl command, to the clipboard (OSC 52) and a file, the request of the exchange
   * list's selection, else of the exchange in view (see ConversationPane.exchangeInView), else
   * the flow's first request.
   */
  copyCurl(): void {
    const { status, conversation } = this.scene;
    const selected = this.scene.selectedExchange();
    const flowId = selected?.flowId ?? this.scene.actedOnFlowId();
    const http = flowId === undefined ? undefined : this.scene.messages?.(flowId)?.http;
    const index = selected?.index ?? (conversation.flowId === flowId ? conversation.exchangeInView() : undefined);
    const exchange = index === undefined ? http?.exchanges.find((e) => e.request) : http?.exchanges.find((e) => e.index === index);
    const request = exchange?.request;
    if (flowId === undefined) return status.say('y: no flow selected');
    if (exchange && !request) return status.say(`y: exchange #${exchange.index + 1} has no request (a response without one)`);
    if (!request) return status.say('y: no HTTP request in this flow');
    let body: Uint8Array | undefined;
    try {
      body = requestPayload((dir, offset, length) => this.scene.store.read(flowId, dir, offset, length), request);
    } catch {
      body = undefined;
    }
    const name = `flowspy-${flowId}-${exchange.index + 1}`;
    // A body bash cannot quote goes to a file beside the command, which names it (@path).
    const bodyFile = body !== undefined && body.length > 0 && !bodyFitsCommandLine(body) ? body : undefined;
    const copy = (command: string): void => {
      this.scene.writeToTerminal(`\x1b]52;c;${Buffer.from(command, 'utf8').toString('base64')}\x07`);
    };
    const inline = bodyFile === undefined ? curlCommand(request, body) : undefined;
    if (inline !== undefined) copy(inline);
    const names = bodyFile === undefined ? [`${name}.curl`] : [`${name}.body`, `${name}.curl`];
    this.scene.actions
      .saveFiles(names, (paths) => {
        if (inline !== undefined) return [inline + '\n'];
        const command = curlCommand(request, body, { bodyFile: resolve(paths[0]) });
        copy(command);
        return [bodyFile!, command + '\n'];
      })
      .then(
        (paths) => status.say(status.withPath(curlSavedPrefix(bodyFile !== undefined), paths[paths.length - 1])),
        (error: unknown) => status.sayError(error),
      );
  }

  /**
   * `b`: picks a body of the HTTP exchange in view (see bodyOfExchange), or the first body in
   * the window when no row shows an exchange, or the first mail (SMTP DATA) in the window, and
   * returns its prompt's label and the file name offered ({@link saveOffered} writes it);
   * undefined, after saying why, when there is none.
   */
  offerBody(): { label: string; name: string } | undefined {
    const { status, conversation } = this.scene;
    const flowId = conversation.flowId;
    const messages = flowId === undefined ? undefined : this.scene.messages?.(flowId);
    const http = messages?.http;
    const key = flowId === undefined ? undefined : this.scene.store.getFlow(flowId)?.key;
    if (key !== undefined && !http && messages?.lines?.items.some((item) => item.kind === 'block')) return this.offerMail(flowId!, key, messages.lines.items);
    if (key === undefined || !http) return void status.say('b: no HTTP body or mail in this flow');
    const index = conversation.exchangeInView();
    const places = conversation.placesInView();
    const target = index === undefined ? bodyInView(http.exchanges, places) : bodyOfExchange(http.exchanges, index, places);
    if (!target && index !== undefined) return void status.say(`b: exchange #${index + 1} has no body`);
    if (!target) return void status.say('b: no HTTP body in view: scroll to a message with one');
    this.offered = { kind: 'body', flowId: flowId!, target };
    return { label: `save body of #${target.exchange + 1} ${target.role}: `, name: bodyTargetName(key, target) };
  }

  /** `b` in a line protocol with SMTP DATA blocks (`items`): the first in the window. */
  private offerMail(flowId: number, key: FlowKey, items: readonly LineItem[]): { label: string; name: string } | undefined {
    const target = mailInView(items, this.scene.conversation.placesInView());
    if (!target) return void this.scene.status.say('b: no mail in view: scroll to a DATA body');
    this.offered = { kind: 'mail', flowId, target };
    return { label: `save mail ${target.number}: `, name: mailFileName(key, target.block.dir, target.number) };
  }

  /**
   * `b`'s prompt answered with `path` (nothing for ''): the body or mail offered, to `path`; a
   * directory gets the `offered` name (as `w` does), or its next free suffix when taken.
   */
  saveOffered(path: string, offered: string): void {
    const what = this.offered;
    this.offered = undefined;
    if (path === '' || what === undefined) return;
    const { status, actions, ellipsis } = this.scene;
    const file = answeredPath(path, offered);
    const place: SavePlace = { directory: dirname(file), name: basename(file) === offered ? undefined : basename(file) };
    const failed = (error: unknown): void => status.sayError(error);
    if (what.kind === 'mail') {
      const { flowId, target } = what;
      status.say(`saving mail ${target.number}…`);
      actions.saveMail(flowId, target, place).then((saved) => status.say(savedMailMessage(target, saved, status.columns(), ellipsis)), failed);
      return;
    }
    const { flowId, target } = what;
    status.say(`saving body of #${target.exchange + 1} ${target.role}…`);
    actions.saveBody(flowId, target, place).then((saved) => status.say(savedBodyMessage(target, saved, status.columns(), ellipsis)), failed);
  }

  /** `w`, its prompt answered: the flows shown to a pcap file at `path` (nothing for ''). */
  writePcap(path: string, offered = ''): void {
    const { status } = this.scene;
    if (path === '') return;
    const ids = this.scene.shownFlowIds();
    if (ids.length === 0) return status.say('no flows shown');
    path = answeredPath(path, offered || pcapFileName(ids.length, new Date()));
    status.say(status.withPath(`writing ${countOf(ids.length, 'flow')} to `, path));
    this.scene.actions.writePcap(ids, path).then(
      (written) => status.say(status.withPath(writtenPcapPrefix(written), path)),
      (error: unknown) => status.sayError(error),
    );
  }
}

/**
 * The start of `y`'s message, before the `.curl` file's path (a body bash cannot quote is in the
 * `.body` file beside it, which the command names). It says "sent": flowspy cannot know
 * whether the terminal took the OSC 52 sequence (tmux drops it unless `set-clipboard on`).
 */
export function curlSavedPrefix(bodyBeside: boolean): string {
  // The body's words take the place of "terminal" and "(OSC 52)": the file's name still fits 80 columns.
  return bodyBeside ? 'curl sent to clipboard, saved with its body file: ' : 'curl sent to terminal clipboard (OSC 52), saved: ';
}

/** Columns a saved file's path keeps at least before the words after it are shortened. */
const PATH_COLUMNS = 18;

/**
 * What `s` saved, in `columns` columns: the client's file by its path (its end kept when cut),
 * then which the others are: `saved DIR/A-B (client), reverse (server) and .log`, or briefly
 * (`+reverse, .log`) when the path would keep fewer than {@link PATH_COLUMNS} columns (a narrow
 * screen). `paths` as saveFlow returns them: the sides that sent something, then the `.log`
 * named after the client's.
 */
export function savedMessage(paths: readonly string[], columns: number, ellipsis: string): string {
  if (paths.length <= 1) return messageWithPath('saved ', paths[0] ?? '', columns, ellipsis);
  const log = paths[paths.length - 1];
  const sides = paths.slice(0, -1);
  const clientFirst = basename(log) === `${basename(sides[0])}.log`;
  const long = sides.length === 2 ? ' (client), reverse (server) and .log' : clientFirst ? ' (client; server sent nothing) and .log' : ' (server; client sent nothing) and .log';
  const rest = columns - 'saved '.length - long.length >= PATH_COLUMNS ? long : sides.length === 2 ? ' +reverse, .log' : ' +.log';
  return messageWithPath('saved ', sides[0], Math.max(0, columns - rest.length), ellipsis) + rest;
}

/**
 * Where `w` and `b` write for the answer `path` to their prompt: into it, under the file name of
 * `offered` (the name the prompt opened with), when it is a directory (`/tmp`) or says it means one
 * (`new/`: the write then says there is no such directory); else `path` itself.
 */
export function answeredPath(path: string, offered: string): string {
  let isDirectory = false;
  try {
    isDirectory = statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    // ENOTDIR, ENAMETOOLONG, EACCES...: the write itself says what is wrong with `path`.
  }
  return isDirectory || path.endsWith('/') ? join(path, basename(offered)) : path;
}

/**
 * The name `w` offers: `flowspy-20261202-190412-5-flows.pcap` (local time to the second), so a
 * second `w` is not offered a name the first one took (files are never overwritten).
 */
export function pcapFileName(flows: number, now: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${two(now.getMonth() + 1)}${two(now.getDate())}-${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}`;
  return `flowspy-${stamp}-${flows}-flow${flows === 1 ? '' : 's'}.pcap`;
}
