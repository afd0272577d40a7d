/**
 * A request the proxy could not pass on (its upstream refused, or its name did not resolve): the
 * exchange list's status says so, as the flow list and the conversation do, and `status:refused`
 * (`status:failed`: any such) finds it.
 */
import { describe, expect, it } from 'vitest';
import { FlowMessages } from '../../../src/messages/flowMessages.js';
import { exchangeStatus, exchangeText } from '../../../src/tui/flowList/exchangeFields.js';
import { exchangeMatches, parseMessageWord, type MessageTerm } from '../../../src/tui/flowList/messageFilter.js';
import { KEY } from '../../support/liveFlow.js';

/** A proxied GET whose upstream could not be reached: the flow's end says why. */
function failedRequest(detail: string) {
  const messages = new FlowMessages(3);
  const request = Buffer.from('GET /refused HTTP/1.1\r\nHost: 127.0.0.1:18081\r\n\r\n');
  messages.apply({ type: 'flow-start', flowId: 3, key: KEY, ts: 1, origin: 'proxy', sawHandshake: true });
  messages.apply({ type: 'data', flowId: 3, dir: 'c2s', offset: 0, bytes: request, length: request.length, ts: 2, fileOffset: -1 });
  messages.apply({ type: 'flow-end', flowId: 3, ts: 3, reason: 'rst', detail });
  return messages.http!.exchanges[0];
}

const term = (word: string): MessageTerm => parseMessageWord(word) as MessageTerm;

describe('an exchange whose upstream the proxy could not reach', () => {
  it('has the upstream\'s outcome as its status, not unanswered', () => {
    const refused = failedRequest('upstream 127.0.0.1:18081 refused: ECONNREFUSED');
    expect(exchangeStatus(refused)).toBe('refused');
    expect(exchangeText({ flowId: 3, index: 0, exchange: refused })).toBe('3#1 GET 127.0.0.1:18081/refused refused !');
    expect(exchangeStatus(failedRequest('upstream nohost.invalid:80 not resolved: ENOTFOUND'))).toBe('not resolved');
  });

  it('is found by status:refused and status:failed, not by status:unanswered', () => {
    const refused = failedRequest('upstream 127.0.0.1:18081 refused: ECONNREFUSED');
    const unresolved = failedRequest('upstream nohost.invalid:80 not resolved: ENOTFOUND');
    expect([refused, unresolved].map((e) => exchangeMatches(term('status:refused'), e))).toEqual([true, false]);
    expect([refused, unresolved].map((e) => exchangeMatches(term('status:failed'), e))).toEqual([true, true]);
    expect(exchangeMatches(term('status:unanswered'), refused)).toBe(false);
    // Every outcome the status column shows is a filter word, spaces as `-`.
    const timedOut = failedRequest('upstream db:5432 timed out: ETIMEDOUT');
    expect([refused, timedOut].map((e) => exchangeMatches(term('status:timed-out'), e))).toEqual([false, true]);
    expect(parseMessageWord('status:unreachable')).toMatchObject({ value: 'unreachable' });
  });
});
