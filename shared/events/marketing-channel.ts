/**
 * Acquisition channel of a web event, in the spirit of GA4's default channel grouping, reduced to ten channels.
 * Evidence is weighed strongest first: UTM tags the marketer set, then ad-click ids the ad platforms append,
 * then the referrer's host. Same-site navigation carries no acquisition information and counts as direct.
 */
import type { Campaign } from './campaign.ts';
import { hostnameOf, queryOf } from './url.ts';

export const marketingChannels = [
  'paid_search',
  'organic_search',
  'paid_social',
  'organic_social',
  'email',
  'affiliate',
  'display',
  'referral',
  'direct',
  'other',
] as const;
export type MarketingChannel = (typeof marketingChannels)[number];

export interface AcquisitionSignals {
  /** UTM parameters (`context.campaign` or parsed from the page URL). */
  readonly campaign?: Campaign | undefined;
  /** The page the event happened on; its query may carry ad-click ids. */
  readonly pageUrl?: string | undefined;
  readonly referrer?: string | undefined;
}

/**
 * The acquisition channel, or `undefined` when the event has no campaign, no page and no referrer (server and
 * app events), for which "direct" would be a guess.
 *
 * @example classifyMarketingChannel({ campaign: { source: 'google', medium: 'cpc' } }) === 'paid_search'
 * @example classifyMarketingChannel({ pageUrl: 'https://shop.example/', referrer: 'https://www.bing.com/' })
 *   === 'organic_search'
 */
export function classifyMarketingChannel({
  campaign,
  pageUrl,
  referrer,
}: AcquisitionSignals): MarketingChannel | undefined {
  if (campaign?.source !== undefined || campaign?.medium !== undefined) return fromCampaign(campaign);
  const clickChannel = fromClickIds(pageUrl);
  if (clickChannel !== undefined) return clickChannel;
  if (referrer !== undefined && referrer !== '')
    return fromReferrer(hostnameOf(referrer), hostnameOf(pageUrl));
  return pageUrl !== undefined ? 'direct' : undefined;
}

// GA4's "paid" medium pattern: cpc, cpm, cpv, ppc, retargeting, paid…
const paidMedium = /^(.*cp.*|ppc|retargeting|paid.*)$/;
const emailTag = /e[-_ ]?mail|newsletter/;
const affiliateMedium = /^(affiliates?|partners?)$/;
const paidSocialMedium = /^(paid[-_ ]?social|social[-_ ]?paid|social[-_ ]?(ads?|cpc|ppc))$/;
const displayMedium = /^(display|banner|expandable|interstitial|cpm|programmatic)$/;
const paidSearchMedium = /^(cpc|ppc|sem|paid[-_ ]?search|search[-_ ]?ads?)$/;
const socialMedium = /^(social|sm|organic[-_ ]?social|social[-_ ]?(network|media))$/;
const directTag = /^(\(?none\)?|\(?direct\)?|)$/;

const searchBrands = new Set([
  'google',
  'bing',
  'yahoo',
  'duckduckgo',
  'baidu',
  'yandex',
  'ecosia',
  'naver',
  'seznam',
  'qwant',
  'startpage',
  'ask',
  'aol',
  'brave',
]);
const socialBrands = new Set([
  'facebook',
  'fb',
  'meta',
  'instagram',
  'ig',
  'twitter',
  'x',
  'linkedin',
  'lnkd',
  'pinterest',
  'reddit',
  'youtube',
  'tiktok',
  'snapchat',
  'quora',
  'tumblr',
  'vk',
  'weibo',
  'threads',
  'mastodon',
  'bluesky',
  'bsky',
  'whatsapp',
  'telegram',
  'discord',
  'xing',
]);

function fromCampaign(campaign: Campaign): MarketingChannel {
  const medium = (campaign.medium ?? '').trim().toLowerCase();
  const source = (campaign.source ?? '').trim().toLowerCase();
  // `facebook_ads`, `google.com`, `ig-stories`: a brand anywhere among the source's words counts.
  const words = source.split(/[^a-z0-9]+/);
  const fromSearch = words.some((word) => searchBrands.has(word));
  const fromSocial = words.some((word) => socialBrands.has(word));
  if (emailTag.test(medium) || emailTag.test(source)) return 'email';
  if (affiliateMedium.test(medium)) return 'affiliate';
  if (paidSocialMedium.test(medium) || (fromSocial && paidMedium.test(medium))) return 'paid_social';
  if (displayMedium.test(medium)) return 'display';
  if (paidSearchMedium.test(medium) || (fromSearch && paidMedium.test(medium))) return 'paid_search';
  if (socialMedium.test(medium) || fromSocial) return 'organic_social';
  if (medium === 'organic' || fromSearch) return 'organic_search';
  if (medium === 'referral') return 'referral';
  if (directTag.test(medium) && directTag.test(source)) return 'direct';
  return 'other';
}

/**
 * Ad platforms append a click id to the landing URL. `fbclid` and `igshid` are the exception: Facebook and
 * Instagram add them to every outbound link, paid or not, so they prove social but not paid (ads carry UTM tags,
 * which win above).
 */
const clickIdChannels: readonly (readonly [string, MarketingChannel])[] = [
  ['gclid', 'paid_search'],
  ['gbraid', 'paid_search'],
  ['wbraid', 'paid_search'],
  ['msclkid', 'paid_search'],
  ['yclid', 'paid_search'],
  ['dclid', 'display'],
  ['ttclid', 'paid_social'],
  ['twclid', 'paid_social'],
  ['li_fat_id', 'paid_social'],
  ['sccid', 'paid_social'],
  ['epik', 'paid_social'],
  ['rdt_cid', 'paid_social'],
  ['fbclid', 'organic_social'],
  ['igshid', 'organic_social'],
];

function fromClickIds(pageUrl: string | undefined): MarketingChannel | undefined {
  const query = queryOf(pageUrl);
  if (query.size === 0) return undefined;
  return clickIdChannels.find(([parameter]) => query.has(parameter))?.[1];
}

const webmailHost = /^(mail|webmail)\.|^outlook\.(live|office|office365)\.com$/;
const searchHosts = [
  /^(www\.)?google\.[a-z]{2,3}(\.[a-z]{2})?$/,
  /^(www\.|cn\.|m\.)?bing\.com$/,
  /^((www|search|[a-z]{2})\.)?(search\.)?yahoo\.(com|co\.jp|[a-z]{2})$/,
  /^(www\.|html\.|lite\.)?duckduckgo\.com$/,
  /^(www\.|m\.)?baidu\.com$/,
  /^(www\.)?yandex\.[a-z]{2,3}(\.[a-z]{2})?$/,
  /^(www\.)?ya\.ru$/,
  /^(www\.)?ecosia\.org$/,
  /^(www\.)?ask\.com$/,
  /^(m\.)?search\.naver\.com$/,
  /^(www\.|search\.)?seznam\.cz$/,
  /^(www\.)?qwant\.com$/,
  /^(www\.)?startpage\.com$/,
  /^search\.brave\.com$/,
  /^search\.aol\.com$/,
];
const socialDomains = [
  'facebook.com',
  'fb.com',
  'fb.me',
  'messenger.com',
  'instagram.com',
  'twitter.com',
  't.co',
  'x.com',
  'linkedin.com',
  'lnkd.in',
  'pinterest.com',
  'reddit.com',
  'youtube.com',
  'youtu.be',
  'tiktok.com',
  'snapchat.com',
  'quora.com',
  'tumblr.com',
  'vk.com',
  'weibo.com',
  'threads.net',
  'threads.com',
  'mastodon.social',
  'bsky.app',
  'whatsapp.com',
  't.me',
  'telegram.org',
  'discord.com',
  'xing.com',
];

function fromReferrer(referrerHost: string | undefined, pageHost: string | undefined): MarketingChannel {
  if (referrerHost === undefined) return 'referral';
  if (webmailHost.test(referrerHost)) return 'email';
  if (searchHosts.some((pattern) => pattern.test(referrerHost))) return 'organic_search';
  if (socialDomains.some((domain) => withinDomain(referrerHost, domain))) return 'organic_social';
  if (pageHost !== undefined && sameSite(referrerHost, pageHost)) return 'direct';
  return 'referral';
}

function withinDomain(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

/** `www.shop.example` and `blog.shop.example` are the same site as `shop.example`. */
function sameSite(a: string, b: string): boolean {
  const bare = (host: string) => host.replace(/^www\./, '');
  return withinDomain(bare(a), bare(b)) || withinDomain(bare(b), bare(a));
}
