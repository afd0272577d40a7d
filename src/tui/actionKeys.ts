/**
 * The keys that write files: `s` saves a flow, `b` a body or a mail, `y` copies a curl command
 * (and saves it), `w` writes a pcap. Each picks what it acts on, says what it does in the status
 * message, and says where the files went or why it failed. The writing itself is the CLI's
 * {@link TuiActions}.
 */
import { countOf } from '../core/count.js';
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { receiverOf, type FlowKey } from '../core/types.js';
import type { FlowStore } from '../store/flowStore.js';
import { firstFreeIndex, suffixed } from './actions/newFiles.js';
import { flowFileNames, flowFileSizes, savedFlowMessage, type SavedFile } from './actions/saveFlow.js';
import type { LineItem } from '../messages/lineItem.js';
import type { MessagesOf } from './flowList/filter.js';
import type { ConversationPane } from './conversationPane.js';
import { bodyInView, bodyOfExchange, mailInView, type BodyTarget, type MailTarget } from './conversation/bodyInView.js';
import { messageWithPath, type StatusMessage } from './statusMessage.js';
import { bodyFitsCommandLine, curlCommand, curlSavedMessage, MAX_INLINE_BODY, requestPayload, tidiedHeadComment } from './actions/curl.js';
import { headAsSent } from './conversation/httpLines.js';
import { formatEndpoint } from '../render/endpoint.js';
import { mailFileName } from './actions/bodyName.js';
import { bodyTargetName, savedBodyMessage, type SavedBody } from './actions/saveBody.js';
import { savedMailMessage, type SavedMail } from './actions/saveMail.js';
import { writtenPcapPrefix, type WrittenPcap } from './actions/writePcap.js';

/** What the app does for `s`, `w` and `y` (files are written by the CLI's choice of code). */
export interface TuiActions {
  /**
   * What default file names start with: the capture's base name (`demo` for demo/demo.pcap),
   * `stdin`, the interface (`eth0`), `proxy-8933`; only characters safe in a file name.
   */
  readonly stem: string;
  /** Saves one flow at `place` (its `name`: the stem the user typed); resolves with the files written. Rejects with a one-line message. */
  saveFlow(flowId: number, place: SavePlace): Promise<readonly SavedFile[]>;
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
  /** Writes the mail of block `target` (SMTP DATA, POP3 mail) (flow `flowId`) to a new `.eml` file at `place`; rejects with a one-line message. */
  saveMail(flowId: number, target: MailTarget, place: SavePlace): Promise<SavedMail>;
}

/**
 * Where `s` and `b` write: into `directory` (relative to the current one, or absolute), under
 * `name` when the user typed one (written only when free), else under the name offered, or the
 * next free suffix of it when that is taken.
 */
export interface SavePlace {
  readonly directory: string;
  readonly name?: string;
}

/** What `s` or `b` offered to save, until its prompt is answered. */
type OfferedSave =
  | { readonly kind: 'flow'; readonly flowId: number; readonly stem: string }
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
  /** The exchange list's selection while the list has the focus (what `y` copies and `b` saves then). */
  selectedExchange(): { readonly flowId: number; readonly index: number } | undefined;
  /** The flows `w` writes: the ones the list shows. */
  shownFlowIds(): readonly number[];
  /** Writes `sequence` to the terminal (the OSC 52 copy). */
  writeToTerminal(sequence: string): void;
}

/** The file-writing keys over one app's scene. */
export class ActionKeys {
  private offered: OfferedSave | undefined;
  /** The files being written now (`saving flow 3`), oldest first. */
  private readonly writing: string[] = [];

  constructor(private readonly scene: ActionScene) {}

  /** What is still being written (`saving flow 3…`, the oldest of them), for the status row and `q`; undefined when nothing is. */
  get writingNow(): string | undefined {
    return this.writing.length === 0 ? undefined : `${this.writing[0]}…`;
  }

  /** `work`, said to be `what` (`saving flow 3`) by {@link writingNow} until it settles. */
  private track<T>(what: string, work: Promise<T>): Promise<T> {
    this.writing.push(what);
    return work.finally(() => this.writing.splice(this.writing.indexOf(what), 1));
  }

  /**
   * `s`: offers to save the flow acted on; returns its prompt's label (with the sizes of the
   * files and the gaps that make them sparse) and the stem offered (`demo-3`, or the first free
   * `demo-3c1` when files of that stem exist here); {@link saveOffered} writes it. Undefined,
   * after saying why, when no flow is selected.
   */
  offerFlow(): { label: string; name: string } | undefined {
    const { status, store, actions } = this.scene;
    const id = this.scene.actedOnFlowId();
    const flow = id === undefined ? undefined : store.getFlow(id);
    if (id === undefined || flow === undefined) return void status.say('s: no flow selected');
    const stem = `${actions.stem}-${id}`;
    this.offered = { kind: 'flow', flowId: id, stem };
    const index = firstFreeIndex(process.cwd(), (n) => Object.values(flowFileNames(suffixed(stem, n))));
    return { label: `save flow ${id} (${flowFileSizes(flow)}) as: `, name: suffixed(stem, index) };
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
    const name = `${this.scene.actions.stem}-${flowId}-${exchange.index + 1}`;
    // A head curl cannot send as it was (a space before a colon, a folded line) is said in the file.
    const tidied = tidiedHeadComment(headAsSent(request, (dir, offset, length) => this.scene.store.read(flowId, dir, offset, length))?.problems ?? []);
    // A body bash cannot quote goes to a file beside the command, which names it (@path).
    const bodyFile = body !== undefined && body.length > 0 && !bodyFitsCommandLine(body) ? body : undefined;
    const copy = (command: string): void => {
      this.scene.writeToTerminal(`\x1b]52;c;${Buffer.from(command, 'utf8').toString('base64')}\x07`);
    };
    // The server is whom the requests went to: the flow's client when its direction was guessed wrong.
    const key = this.scene.store.getFlow(flowId)?.key;
    const server = key && formatEndpoint(receiverOf(key, http?.requestDir ?? 'c2s'));
    const inline = bodyFile === undefined ? curlCommand(request, body, { server }) : undefined;
    if (inline !== undefined) copy(inline);
    const names = bodyFile === undefined ? [`${name}.curl`] : [`${name}.body`, `${name}.curl`];
    this.scene.actions
      .saveFiles(names, (paths) => {
        if (inline !== undefined) return [tidied + inline + '\n'];
        const command = curlCommand(request, body, { bodyFile: resolve(paths[0]), server });
        copy(command);
        return [bodyFile!, tidied + command + '\n'];
      })
      .then(
        (paths) => status.sayFitted((columns) => curlSavedMessage(paths, columns, this.scene.ellipsis, tidied !== '', request.body.dataLength > MAX_INLINE_BODY ? request.body.dataLength : undefined)),
        (error: unknown) => status.sayError(error),
      );
  }

  /**
   * `b`: picks a body of the exchange list's selection, else of the HTTP exchange in view (see bodyOfExchange), or the first body in
   * the window when no row shows an exchange, or the first mail (SMTP DATA) in the window, and
   * returns its prompt's label and the file name offered ({@link saveOffered} writes it);
   * undefined, after saying why, when there is none.
   */
  offerBody(): { label: string; name: string } | undefined {
    const { status, conversation } = this.scene;
    const selected = this.scene.selectedExchange();
    const flowId = selected?.flowId ?? conversation.flowId;
    const messages = flowId === undefined ? undefined : this.scene.messages?.(flowId);
    const http = messages?.http;
    const key = flowId === undefined ? undefined : this.scene.store.getFlow(flowId)?.key;
    if (key !== undefined && !http && messages?.lines?.items.some((item) => item.kind === 'block')) return this.offerMail(flowId!, key, messages.lines.items);
    if (key === undefined || !http) return void status.say('b: no HTTP body or mail in this flow');
    // The exchange list's selection: its own bodies, whatever the conversation below shows of them.
    const index = selected?.index ?? conversation.exchangeInView();
    const places = selected || conversation.flowId !== flowId ? [] : conversation.placesInView();
    const target = index === undefined ? bodyInView(http.exchanges, places) : bodyOfExchange(http.exchanges, index, places);
    if (!target && index !== undefined) {
      // A message whose head a gap took: its bytes that came are shown, but where its body starts is not known.
      const exchange = http.exchanges[index];
      const lost = exchange?.stray?.find((stray) => (stray.dir === http.requestDir ? !exchange.request : !exchange.response));
      if (lost) return void status.say(`b: #${index + 1}'s ${lost.dir === http.requestDir ? 'request' : 'response'} head was lost in a gap: no body to cut out (s saves the flow)`);
      return void status.say(`b: exchange #${index + 1} has no body`);
    }
    if (!target) return void status.say('b: no HTTP body in view: scroll to a message with one');
    this.offered = { kind: 'body', flowId: flowId!, target };
    return { label: `save body of #${target.exchange + 1} ${target.role}: `, name: bodyTargetName(key, target) };
  }

  /** `b` in a line protocol with blocks (`items`: SMTP DATA bodies, POP3 mails): the first in the window. */
  private offerMail(flowId: number, key: FlowKey, items: readonly LineItem[]): { label: string; name: string } | undefined {
    const target = mailInView(items, this.scene.conversation.placesInView());
    if (!target) return void this.scene.status.say('b: no mail in view: scroll to a DATA body or a mail');
    this.offered = { kind: 'mail', flowId, target };
    return { label: `save mail ${target.number}: `, name: mailFileName(key, target.block.dir, target.number) };
  }

  /**
   * The prompt of `s` or `b` answered with `path` (nothing for ''): the flow, body or mail
   * offered, to `path`; a directory gets the `offered` name (as `w` does), or its next free
   * suffix when taken.
   */
  saveOffered(path: string, offered: string): void {
    const what = this.offered;
    this.offered = undefined;
    if (path === '' || what === undefined) return;
    const { status, actions, ellipsis } = this.scene;
    const file = answeredPath(path, offered);
    const place: SavePlace = { directory: dirname(file), name: basename(file) === offered ? undefined : basename(file) };
    // What is being saved is said by the status row's activity (see writingNow) until it is done.
    const failed = (error: unknown): void => status.sayError(error);
    if (what.kind === 'flow') {
      status.say('');
      this.track(`saving flow ${what.flowId}`, actions.saveFlow(what.flowId, place)).then(
        (saved) => status.sayFitted((columns) => savedFlowMessage(saved, columns, ellipsis)),
        failed,
      );
      return;
    }
    if (what.kind === 'mail') {
      const { flowId, target } = what;
      status.say('');
      this.track(`saving mail ${target.number}`, actions.saveMail(flowId, target, place)).then((saved) => status.sayFitted((columns) => savedMailMessage(target, saved, columns, ellipsis)), failed);
      return;
    }
    const { flowId, target } = what;
    status.say('');
    this.track(`saving body of #${target.exchange + 1} ${target.role}`, actions.saveBody(flowId, target, place)).then((saved) => status.sayFitted((columns) => savedBodyMessage(target, saved, columns, ellipsis)), failed);
  }

  /**
   * `w`, its prompt answered: the flows shown to a pcap file at `path` (nothing for ''). The
   * name offered (`offered`, taken as it was, or a directory given) counts the flows shown now,
   * not those shown when the prompt opened.
   */
  writePcap(path: string, offered = ''): void {
    const { status } = this.scene;
    if (path === '') return;
    const ids = this.scene.shownFlowIds();
    if (ids.length === 0) return status.say('no flows shown');
    const named = this.pcapName(ids.length);
    path = answeredPath(path === offered ? named : path, named);
    const say = (head: string): void => status.sayFitted((columns) => messageWithPath(head, path, columns, this.scene.ellipsis));
    say(`writing ${countOf(ids.length, 'flow')} to `);
    this.track(`writing ${countOf(ids.length, 'flow')}`, this.scene.actions.writePcap(ids, path)).then(
      (written) => say(writtenPcapPrefix(written)),
      (error: unknown) => status.sayError(error),
    );
  }

  /** The name `w` offers for `flows` flows: `demo-5-flows.pcap`, or the first free `demo-5-flowsc1.pcap` when that exists here. */
  pcapName(flows: number): string {
    const nameOf = (index: number): string => pcapFileName(this.scene.actions.stem, flows, index);
    return nameOf(firstFreeIndex(process.cwd(), (index) => [nameOf(index)]));
  }
}

/**
 * Where `s`, `w` and `b` write for the answer `path` to their prompt: into it, under the file name of
 * `offered` (the name the prompt opened with), when it is a directory (`/tmp`) or says it means one
 * (`new/`: the write then says there is no such directory); else `path` itself. A leading `~` or
 * `~/` is the home directory, as the status row shows it (never a directory named `~`).
 */
export function answeredPath(path: string, offered: string): string {
  if (path === '~' || path.startsWith('~/')) path = homedir() + path.slice(1);
  let isDirectory = false;
  try {
    isDirectory = statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    // ENOTDIR, ENAMETOOLONG, EACCES...: the write itself says what is wrong with `path`.
  }
  return isDirectory || path.endsWith('/') ? join(path, basename(offered)) : path;
}

/**
 * The name `w` offers: `demo-5-flows.pcap` (`stem`, the flows), `demo-5-flowsc1.pcap` for
 * `index` 1 (the next free name: files are never overwritten).
 */
export function pcapFileName(stem: string, flows: number, index = 0): string {
  return `${suffixed(`${stem}-${flows}-flow${flows === 1 ? '' : 's'}`, index)}.pcap`;
}
