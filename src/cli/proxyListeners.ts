/**
 * The proxy's listeners as the TUI shows them: the status row's label (`:8933 → 127.0.0.1:8941`,
 * a listen address on the default 127.0.0.1 shown by its port only), a brief form for a narrow row
 * (`:8933 → 127.0.0.1:8941, +1 more`, `2 listeners`), the `r` prompt and what it opens with,
 * and `r`'s answer applied to the running proxy.
 */
import { countOf } from '../core/count.js';
import { UserError } from '../core/errors.js';
import type { ProxyControl } from '../engine/proxyRun.js';
import { DEFAULT_BIND_ADDRESS } from '../proxy/forwardSpec.js';
import { escapeText } from '../render/escape.js';

/** The `r` prompt for `listeners` listeners: with several, how to name one. */
export function retargetPrompt(listeners: number): string {
  return listeners > 1 ? `new upstream host:port (N=host:port: listener N of ${listeners}): ` : 'new upstream host:port: ';
}

/** The listeners of one proxy run (`-L` specs, in order), told as each is bound. */
export class ProxyListeners {
  /** `listen → target` of each listener bound, in `-L` order. */
  private readonly labels: string[] = [];

  constructor(private readonly forwards: readonly string[]) {}

  /** Listener number `labels.length + 1` is bound on `listen` (`host:port`), relaying to `target`. */
  listening(listen: string, target: string): void {
    const local = `${DEFAULT_BIND_ADDRESS}:`;
    this.labels.push(`${listen.startsWith(local) ? listen.slice(local.length - 1) : listen} → ${target}`);
  }

  /** True once every listener is bound. */
  get bound(): boolean {
    return this.labels.length === this.forwards.length;
  }

  /** Every listener, `listen → target` (raw), the `-L` specs until they are bound. */
  label(): string {
    return this.labels.length > 0 ? this.labels.join(', ') : this.forwards.join(', ');
  }

  /**
   * Shorter forms of {@link label} for a narrow row, longest first, when there are several
   * listeners: the first ones and `+N more` (`:8933 → h:80, +2 more`), then `N listeners`.
   */
  shorter(): string[] {
    const total = this.forwards.length;
    if (total < 2) return [];
    const listed = this.labels.length > 0 ? this.labels : this.forwards;
    const forms: string[] = [];
    for (let shown = Math.min(listed.length, total - 1); shown >= 1; shown--) forms.push(`${listed.slice(0, shown).join(', ')}, +${total - shown} more`);
    return [...forms, countOf(total, 'listener')];
  }

  /** What `r` opens with: listener 1's upstream (`127.0.0.1:8941`), as `1=…` when there are several; '' before it is bound. */
  currentTarget(): string {
    const label = this.labels[0];
    if (label === undefined) return '';
    const target = label.slice(label.indexOf(' → ') + ' → '.length);
    return this.forwards.length > 1 ? `1=${target}` : target;
  }

  /**
   * `r` answered with `text`: `host:port` (one listener) or `N=host:port` (listener N) relays new
   * connections there; returns what to say (escaped). @throws Error with one line: no proxy yet, a
   * listener not named when there are several, a bad target.
   */
  retarget(control: ProxyControl | undefined, text: string): string {
    if (!control) throw new Error('the proxy is not running');
    const numbered = /^(\d+)=(.*)$/.exec(text);
    if (!numbered && control.listeners > 1) throw new UserError(`which listener? N=host:port, N from 1 to ${control.listeners}`);
    const index = numbered ? Number(numbered[1]) - 1 : 0;
    const target = control.retarget(index, numbered ? numbered[2] : text);
    const label = this.labels[index];
    const listen = label === undefined ? undefined : label.slice(0, label.indexOf(' → '));
    if (listen !== undefined) this.labels[index] = `${listen} → ${target}`;
    return this.labels.length > 1 && listen !== undefined ? `new connections to ${escapeText(listen)} go to ${escapeText(target)}` : `new connections go to ${escapeText(target)}`;
  }
}
