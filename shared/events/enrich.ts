/** What the edge adds to a valid message: corrected times, the privacy-filtered IP, user agent, page, campaign. */
import { isIP } from 'node:net';
import type { Source } from '../ports.ts';
import { campaignFromContext, campaignFromUrl } from './campaign.ts';
import { applyIpPrivacy, type IpPrivacy } from './ip.ts';
import { objectAt, stringAt, withoutUndefined } from './json.ts';
import { classifyMarketingChannel } from './marketing-channel.ts';
import type { CollectedEvent, Enrichment, JsonObject } from './model.ts';
import { pageInfo } from './page.ts';
import { correctedTimestamp } from './timestamps.ts';
import { parseUserAgent } from './user-agent.ts';
import type { ValidMessage } from './validate.ts';

/** What the collector knows about a request besides its body. */
export interface EdgeFacts {
  readonly source: Source;
  readonly receivedAt: Date;
  /** The address the request came from, as API Gateway saw it. */
  readonly requestIp?: string | undefined;
  /** The request's User-Agent header. */
  readonly requestUserAgent?: string | undefined;
  readonly ipPrivacy: IpPrivacy;
}

/**
 * Turns a valid message into the event the stream carries. The client IP is the message's own `context.ip` when
 * it holds an address (server-side libraries forward their end user's IP there, as Segment documents), else the
 * API Gateway source IP. `X-Forwarded-For` is never read: its first entry is whatever the client wrote, while
 * API Gateway's source IP is the peer it accepted the connection from. Either address passes the privacy
 * setting before it is stored, in `context.ip` and `enrichment.ip` alike.
 */
export function enrichMessage(message: ValidMessage, messageId: string, edge: EdgeFacts): CollectedEvent {
  const clientContext = message.context ?? {};
  const suppliedIp = stringAt(clientContext, 'ip');
  const clientIp = suppliedIp !== undefined && isIP(suppliedIp.trim()) !== 0 ? suppliedIp : edge.requestIp;
  const ip = clientIp === undefined ? undefined : applyIpPrivacy(clientIp, edge.ipPrivacy);
  const userAgent = stringAt(clientContext, 'userAgent') ?? edge.requestUserAgent;
  const page = pageInfo(message);
  const campaign = campaignFromContext(objectAt(clientContext, 'campaign')) ?? campaignFromUrl(page?.url);
  const enrichment: Enrichment = withoutUndefined({
    ip,
    userAgent: userAgent === undefined || userAgent === '' ? undefined : parseUserAgent(userAgent),
    campaign,
    marketingChannel: classifyMarketingChannel({ campaign, pageUrl: page?.url, referrer: page?.referrer }),
    page,
  });
  const { ip: _clientIp, ...contextWithoutIp } = clientContext;
  const context: JsonObject = {
    ...contextWithoutIp,
    ...(ip === undefined ? {} : { ip }),
    ...(campaign !== undefined && clientContext.campaign === undefined ? { campaign: { ...campaign } } : {}),
  };
  return withoutUndefined({
    messageId,
    type: message.type,
    event: message.event,
    name: message.name,
    category: message.category,
    userId: message.userId,
    anonymousId: message.anonymousId,
    groupId: message.groupId,
    previousId: message.previousId,
    properties: message.properties,
    traits: message.traits,
    context,
    integrations: message.integrations,
    timestamp: correctedTimestamp({ ...message, receivedAt: edge.receivedAt }).toISOString(),
    originalTimestamp: message.originalTimestamp?.toISOString(),
    sentAt: message.sentAt?.toISOString(),
    receivedAt: edge.receivedAt.toISOString(),
    source: edge.source.name,
    channel: edge.source.channel,
    enrichment,
  });
}
