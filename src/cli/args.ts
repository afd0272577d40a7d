/**
 * Command-line parsing: argv in, a plain {@link CliConfig} out, or a one-line {@link UserError}.
 * No I/O here.
 */
import { UserError } from '../core/errors.js';

/** Which text view goes to stdout, if any. */
export type TextView = 'console' | 'log' | 'json';

/** Everything the command line asked for. */
export interface CliConfig {
  /** `-r FILE` (`-` = stdin). */
  readFile?: string;
  /** `-i IFACE`: live capture from a network interface (libpcap). */
  interface?: string;
  /** `-D`: list the interfaces live capture can use, then exit. */
  listInterfaces?: boolean;
  /** `-L` forward specs, unparsed (the proxy module parses them). */
  forwards: string[];
  /** Trailing words: a capture filter in tcpdump syntax. */
  filter?: string;
  /** `-o DIR`: one file per direction, tcpflow names. */
  outputDir?: string;
  /** `-w FILE`: the proxied conversations as a pcap file. */
  writePcap?: string;
  /** `--har FILE`: every HTTP exchange as a HAR 1.2 file, written when the run ends. */
  har?: string;
  /** The text view for stdout (`-c`, `--log`, `--json`). */
  textView?: TextView;
  /** `--hex`: hex dumps instead of text in `-c` and `--log`. */
  hex: boolean;
  /** `-t`: timestamps on `--log` lines. */
  timestamps: boolean;
  /** `--no-tui`: headless even on a terminal. */
  noTui: boolean;
  /** `--no-mouse`: the screen leaves the mouse to the terminal. */
  noMouse: boolean;
  /** `-q`: no summary on stderr. */
  quiet: boolean;
  help: boolean;
  version: boolean;
}

/** The usage text printed by `--help`. */
export const USAGE = `usage: flowspy -r FILE [options] [capture filter]
       flowspy -i IFACE [options] [capture filter]
       flowspy -L [bind:]port:host:hostport [-L ...] [options]

Sources
  -r FILE        read a pcap or pcapng capture ('-' reads standard input)
  -i IFACE       live capture on a network interface until Ctrl-C (needs root or
                 CAP_NET_RAW, and the pcap module built against libpcap)
  -D             list the interfaces -i can use
  -L SPEC        proxy: listen on [bind:]port (bind defaults to 127.0.0.1) and relay
                 every connection to host:hostport, recording both directions
  FILTER...      words after the options: a capture filter in tcpdump syntax
                 (needs libpcap), e.g. flowspy -r f.pcap tcp port 80; with -i the
                 kernel applies it

Outputs (headless; several may be combined, one of -c/--log/--json at a time)
  -o DIR         one file per direction, named as tcpflow names them
  -c             console: each flow's reassembled data with timestamps
  --log          sockspy dialogue: '=' events, '>' client lines, '<' server lines
  --json         one JSON object per flow event (payload in base64)
  -w FILE        proxy: write the relayed conversations as a pcap file
  --har FILE     every HTTP exchange as a HAR 1.2 file, written when the run ends
  --hex          hex dumps instead of text lines (with -c or --log)
  -t             timestamps on --log lines
  --no-tui       headless even when stdout is a terminal
  --no-mouse     leave the mouse to the terminal (plain drag selects text)
  -q             no summary on stderr
  -h, --help     this text
  --version      the version
`;

/** Long options that take a value (also written `--har=FILE`). */
const LONG_WITH_VALUE: readonly string[] = ['--har'];
/** Short options that take a value, and those that do not (which may be joined: `-cq`). */
const SHORT_WITH_VALUE = 'riLow';
const SHORT_FLAGS = 'cDhqt';

/**
 * argv with the usual shorthands written out, up to `--`: `--har=FILE` as `--har FILE`, `-rFILE`
 * as `-r FILE`, `-cq` as `-c -q`. Anything else is left as it is.
 * @throws UserError for `--flag=value` on an option that takes no value, or an empty value.
 */
function spelledOut(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const long = /^(--[a-z-]+)=(.*)$/s.exec(arg);
    if (long && !LONG_WITH_VALUE.includes(long[1])) throw new UserError(`${long[1]} takes no value (see flowspy --help)`);
    if (long && long[2] === '') throw new UserError(`${long[1]} needs a value (see flowspy --help)`);
    if (long) out.push(long[1], long[2]);
    else if (/^-[a-zA-Z]=/.test(arg) && SHORT_WITH_VALUE.includes(arg[1])) throw new UserError(`${arg}: write ${arg.slice(0, 2)} ${arg.slice(3) || 'VALUE'} (no =)`);
    else if (/^-[a-zA-Z]./s.test(arg) && SHORT_WITH_VALUE.includes(arg[1])) out.push(arg.slice(0, 2), arg.slice(2));
    else if (/^-[a-zA-Z]{2,}$/.test(arg) && [...arg.slice(1)].every((flag) => SHORT_FLAGS.includes(flag))) out.push(...[...arg.slice(1)].map((flag) => `-${flag}`));
    else out.push(arg);
  }
  return out;
}

/** Parses argv (without node and script). Throws {@link UserError} (exit 2) on bad usage. */
export function parseArgs(argv: readonly string[]): CliConfig {
  const config: CliConfig = { forwards: [], hex: false, timestamps: false, noTui: false, noMouse: false, quiet: false, help: false, version: false };
  const filterWords: string[] = [];
  const setText = (view: TextView) => {
    if (config.textView && config.textView !== view) {
      throw new UserError(`choose one text view: ${flagOf(config.textView)} and ${flagOf(view)} both write to stdout`);
    }
    config.textView = view;
  };
  const args = spelledOut(argv);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new UserError(`${arg} needs a value (see flowspy --help)`);
      // `--har --no-tui` would write a file named --no-tui (`-r -` is stdin, a value).
      if (/^--?[a-zA-Z]/.test(v)) throw new UserError(`${arg} needs a value, not the option ${v} (see flowspy --help)`);
      return v;
    };
    // An option that names one thing, given twice, would have its first value silently dropped.
    const once = (current: string | undefined): string => {
      if (current === undefined) return value();
      throw new UserError(arg === '-r' ? '-r given twice: flowspy reads one capture (merge them first: mergecap -w all.pcap a.pcap b.pcap)' : `${arg} given twice: give it once`);
    };
    switch (arg) {
      case '-r': config.readFile = once(config.readFile); break;
      case '-i': config.interface = once(config.interface); break;
      case '-D': config.listInterfaces = true; break;
      case '-L': config.forwards.push(value()); break;
      case '-o': config.outputDir = once(config.outputDir); break;
      case '-w': config.writePcap = once(config.writePcap); break;
      case '--har': config.har = once(config.har); break;
      case '-c': setText('console'); break;
      case '--log': setText('log'); break;
      case '--json': setText('json'); break;
      case '--hex': config.hex = true; break;
      case '-t': config.timestamps = true; break;
      case '--no-tui': config.noTui = true; break;
      case '--no-mouse': config.noMouse = true; break;
      case '-q': config.quiet = true; break;
      case '-h': case '--help': config.help = true; break;
      case '--version': config.version = true; break;
      case '--': filterWords.push(...args.slice(i + 1)); i = args.length; break;
      default:
        if (arg.startsWith('-') && arg !== '-' && filterWords.length === 0) {
          throw new UserError(`unknown option ${arg} (see flowspy --help)`);
        }
        filterWords.push(arg);
    }
  }
  if (filterWords.length > 0) config.filter = filterWords.join(' ');
  if (config.help || config.version) return config;
  const sources = [
    config.readFile !== undefined ? '-r' : '',
    config.interface !== undefined ? '-i' : '',
    config.forwards.length > 0 ? '-L' : '',
  ].filter((flag) => flag !== '');
  if (config.listInterfaces) {
    if (sources.length > 0 || config.filter !== undefined) throw new UserError('-D lists the interfaces and exits; give it without a source or filter');
    return config;
  }
  if (sources.length > 1) {
    throw new UserError(`choose one source: -r reads a capture, -i captures live, -L runs the proxy (got ${sources.join(' and ')})`);
  }
  if (sources.length === 0) {
    throw new UserError('nothing to inspect: give -r FILE, -i IFACE or -L [bind:]port:host:hostport (see flowspy --help)');
  }
  if (config.filter !== undefined && config.readFile === undefined && config.interface === undefined) {
    throw new UserError(`a capture filter goes with -r or -i; with -L, "${config.filter}" means nothing`);
  }
  if (config.writePcap !== undefined && config.forwards.length === 0) {
    throw new UserError('-w writes proxied conversations; it goes with -L');
  }
  if (config.hex && config.textView !== 'console' && config.textView !== 'log') {
    throw new UserError('--hex goes with -c or --log');
  }
  if (config.timestamps && config.textView !== 'log') {
    throw new UserError('-t goes with --log (-c and --json give times already; in the screen, t)');
  }
  return config;
}

function flagOf(view: TextView): string {
  return view === 'console' ? '-c' : `--${view}`;
}
