import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { UserError } from '../../src/core/errors.js';

describe('parseArgs', () => {
  it('reads a capture with a trailing tcpdump filter', () => {
    const c = parseArgs(['-r', 'f.pcap', '-o', 'out', 'tcp', 'port', '80']);
    expect(c).toMatchObject({ readFile: 'f.pcap', outputDir: 'out', filter: 'tcp port 80' });
  });
  it('takes stdin as -r -', () => {
    expect(parseArgs(['-r', '-', '--log']).readFile).toBe('-');
  });
  it('captures live with -i and a trailing filter', () => {
    const c = parseArgs(['-i', 'eth0', '--log', 'tcp', 'port', '80']);
    expect(c).toMatchObject({ interface: 'eth0', filter: 'tcp port 80', textView: 'log' });
    expect(c.readFile).toBeUndefined();
    expect(parseArgs(['-i', 'lo']).filter).toBeUndefined();
  });
  it('--har FILE goes with any source and any text view', () => {
    expect(parseArgs(['-r', 'f.pcap', '--har', 'out.har'])).toMatchObject({ readFile: 'f.pcap', har: 'out.har' });
    expect(parseArgs(['-L', '8080:a:80', '--har', 'p.har', '--json'])).toMatchObject({ har: 'p.har', textView: 'json' });
    expect(() => parseArgs(['-r', 'f', '--har'])).toThrow(/--har needs a value/);
  });
  it('--no-mouse turns the mouse off; it is on by default', () => {
    expect(parseArgs(['-r', 'f.pcap', '--no-mouse']).noMouse).toBe(true);
    expect(parseArgs(['-r', 'f.pcap']).noMouse).toBe(false);
  });
  it('-D lists interfaces without a source', () => {
    expect(parseArgs(['-D']).listInterfaces).toBe(true);
  });
  it('collects several -L', () => {
    expect(parseArgs(['-L', '8080:a:80', '-L', '8443:b:443', '--json']).forwards).toEqual(['8080:a:80', '8443:b:443']);
  });
  it.each([
    [[], /nothing to inspect/],
    [['-r'], /-r needs a value/],
    [['-r', 'f', '--bogus'], /unknown option --bogus/],
    [['-r', 'f', '-c', '--log'], /choose one text view/],
    [['-r', 'f', '-L', '1:a:2'], /choose one source/],
    [['-L', '1:a:2', 'tcp'], /capture filter goes with -r or -i/],
    [['-i'], /-i needs a value/],
    [['-i', 'lo', '-r', 'f'], /choose one source: .* \(got -r and -i\)/],
    [['-i', 'lo', '-L', '1:a:2'], /choose one source: .* \(got -i and -L\)/],
    [['-i', 'lo', '-w', 'x.pcap'], /-w writes proxied/],
    [['-D', '-i', 'lo'], /-D lists the interfaces and exits/],
    [['-D', 'tcp'], /-D lists the interfaces and exits/],
    [['-r', 'f', '-w', 'x.pcap'], /-w writes proxied/],
    [['-r', 'f', '--json', '--hex'], /--hex goes with -c or --log/],
    [['-r', 'f', '--hex'], /--hex goes with -c or --log/],
    [['-L', '1:a:2', '-o', 'out', '--hex'], /--hex goes with -c or --log/],
  ])('rejects %j with one line', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UserError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
  it('takes --hex with -c or --log', () => {
    expect(parseArgs(['-r', 'f', '-c', '--hex'])).toMatchObject({ textView: 'console', hex: true });
    expect(parseArgs(['-r', 'f', '--hex', '--log', '-t'])).toMatchObject({ textView: 'log', hex: true, timestamps: true });
    // Elsewhere -t would do nothing: refused, as --hex is.
    for (const other of [['-c'], ['--json'], ['-o', 'd'], []]) {
      expect(() => parseArgs(['-r', 'f', '-t', ...other])).toThrow('-t goes with --log (-c and --json give times already; in the screen, t)');
    }
    expect(parseArgs(['-r', 'f', '--log']).hex).toBe(false);
  });
  it('takes the usual shorthands: --har=FILE, -rFILE, -cq (not after --)', () => {
    expect(parseArgs(['-rdemo.pcap', '--har=out.har', '-cq'])).toMatchObject({ readFile: 'demo.pcap', har: 'out.har', textView: 'console', quiet: true });
    expect(parseArgs(['-rdemo.pcap', '--log', '-qt'])).toMatchObject({ textView: 'log', quiet: true, timestamps: true });
    expect(parseArgs(['-ilo', '-o/tmp/x', 'port', '80'])).toMatchObject({ interface: 'lo', outputDir: '/tmp/x', filter: 'port 80' });
    expect(() => parseArgs(['-r', 'f', '-cz'])).toThrow(/unknown option -cz/);
    expect(parseArgs(['-r', 'f', '--', '-cq']).filter).toBe('-cq');
    expect(() => parseArgs(['-r', 'f', '--json=1'])).toThrow('--json takes no value (see flowspy --help)');
    expect(() => parseArgs(['-r', 'f', '--har='])).toThrow('--har needs a value (see flowspy --help)');
    expect(() => parseArgs(['-r', 'f', '--har', '--no-tui'])).toThrow('--har needs a value, not the option --no-tui (see flowspy --help)');
    expect(() => parseArgs(['-L', '1:a:2', '-w=x'])).toThrow('-w=x: write -w x (no =)');
    expect(parseArgs(['-r', '-', '--log']).readFile).toBe('-');
  });
  it('refuses an option that names one thing given twice, rather than drop the first', () => {
    expect(() => parseArgs(['-r', 'a.pcap', '-r', 'b.pcap'])).toThrow(/^-r given twice: flowspy reads one capture \(merge them first: mergecap/);
    expect(() => parseArgs(['-r', 'a', '-o', 'x', '-o', 'y'])).toThrow('-o given twice: give it once');
    expect(() => parseArgs(['-r', 'a', '--har', 'x', '--har=y'])).toThrow('--har given twice: give it once');
  });
  it('lets options stand after -- as filter words', () => {
    expect(parseArgs(['-r', 'f', '--', 'not', 'port', '22']).filter).toBe('not port 22');
  });
});
