import { describe, expect, it } from 'vitest';
import {
  type AcquisitionSignals,
  classifyMarketingChannel,
} from '../../../shared/events/marketing-channel.ts';

const page = 'https://shop.example.com/landing';

describe('classifyMarketingChannel', () => {
  it.each<[string, AcquisitionSignals, string]>([
    ['cpc from a search engine', { campaign: { source: 'google', medium: 'cpc' } }, 'paid_search'],
    ['ppc from an unknown source', { campaign: { source: 'adnetwork', medium: 'ppc' } }, 'paid_search'],
    [
      'paid medium from a host-style engine name',
      { campaign: { source: 'bing.com', medium: 'paid' } },
      'paid_search',
    ],
    ['sem', { campaign: { source: 'whatever', medium: 'sem' } }, 'paid_search'],
    ['organic medium', { campaign: { source: 'google', medium: 'organic' } }, 'organic_search'],
    ['a search engine without medium', { campaign: { source: 'duckduckgo' } }, 'organic_search'],
    ['cpc from a social network', { campaign: { source: 'facebook', medium: 'cpc' } }, 'paid_social'],
    ['cpm from a social network', { campaign: { source: 'instagram', medium: 'cpm' } }, 'paid_social'],
    ['paid-social medium', { campaign: { source: 'anything', medium: 'paid-social' } }, 'paid_social'],
    [
      'paid social with a compound source',
      { campaign: { source: 'facebook_ads', medium: 'paid' } },
      'paid_social',
    ],
    ['social medium', { campaign: { source: 'newsblog', medium: 'social' } }, 'organic_social'],
    ['a social network without medium', { campaign: { source: 'linkedin' } }, 'organic_social'],
    ['email medium', { campaign: { source: 'crm', medium: 'email' } }, 'email'],
    ['e-mail medium', { campaign: { source: 'crm', medium: 'E-Mail' } }, 'email'],
    ['newsletter source', { campaign: { source: 'weekly-newsletter', medium: 'link' } }, 'email'],
    ['affiliate medium', { campaign: { source: 'partnerco', medium: 'affiliate' } }, 'affiliate'],
    ['display medium', { campaign: { source: 'google', medium: 'display' } }, 'display'],
    ['banner medium', { campaign: { source: 'adserver', medium: 'banner' } }, 'display'],
    ['cpm from a non-social source', { campaign: { source: 'adserver', medium: 'cpm' } }, 'display'],
    ['referral medium', { campaign: { source: 'blog', medium: 'referral' } }, 'referral'],
    ['(none) medium from (direct)', { campaign: { source: '(direct)', medium: '(none)' } }, 'direct'],
    ['an unknown medium', { campaign: { source: 'billboard', medium: 'qr' } }, 'other'],
    [
      'UTM tags winning over the referrer',
      { campaign: { source: 'crm', medium: 'email' }, referrer: 'https://www.google.com/', pageUrl: page },
      'email',
    ],
    ['gclid', { pageUrl: `${page}?gclid=abc` }, 'paid_search'],
    ['msclkid', { pageUrl: `${page}?msclkid=abc`, referrer: 'https://www.bing.com/' }, 'paid_search'],
    ['dclid', { pageUrl: `${page}?dclid=abc` }, 'display'],
    ['ttclid', { pageUrl: `${page}?ttclid=abc` }, 'paid_social'],
    ['li_fat_id', { pageUrl: `${page}?li_fat_id=abc` }, 'paid_social'],
    [
      'fbclid, which Facebook adds to every outbound link',
      { pageUrl: `${page}?fbclid=abc` },
      'organic_social',
    ],
    ['a Google referrer', { pageUrl: page, referrer: 'https://www.google.co.uk/' }, 'organic_search'],
    ['a Bing referrer', { pageUrl: page, referrer: 'https://www.bing.com/search?q=x' }, 'organic_search'],
    [
      'a Yahoo search referrer',
      { pageUrl: page, referrer: 'https://uk.search.yahoo.com/' },
      'organic_search',
    ],
    ['a DuckDuckGo referrer', { pageUrl: page, referrer: 'https://duckduckgo.com/' }, 'organic_search'],
    [
      'a Facebook referrer',
      { pageUrl: page, referrer: 'https://l.facebook.com/l.php?u=x' },
      'organic_social',
    ],
    ['a t.co referrer', { pageUrl: page, referrer: 'https://t.co/abc' }, 'organic_social'],
    ['a LinkedIn referrer', { pageUrl: page, referrer: 'https://www.linkedin.com/feed/' }, 'organic_social'],
    ['a webmail referrer', { pageUrl: page, referrer: 'https://mail.google.com/' }, 'email'],
    ['an Outlook referrer', { pageUrl: page, referrer: 'https://outlook.live.com/mail/0/' }, 'email'],
    ['another site', { pageUrl: page, referrer: 'https://blog.other.org/post' }, 'referral'],
    ['the same site', { pageUrl: page, referrer: 'https://shop.example.com/cart' }, 'direct'],
    [
      'the www variant of the same site',
      { pageUrl: page, referrer: 'https://www.shop.example.com/' },
      'direct',
    ],
    ['a page without referrer', { pageUrl: page }, 'direct'],
    ['a page with an empty referrer', { pageUrl: page, referrer: '' }, 'direct'],
  ])('classifies %s', (_case, signals, expected) => {
    // Act
    const channel = classifyMarketingChannel(signals);

    // Assess
    expect(channel).toBe(expected);
  });

  it('does not guess for events without campaign, page or referrer', () => {
    // Act
    const channel = classifyMarketingChannel({});

    // Assess
    expect(channel).toBeUndefined();
  });

  it('ignores a campaign that names neither source nor medium', () => {
    // Act
    const channel = classifyMarketingChannel({
      campaign: { name: 'spring' },
      pageUrl: page,
      referrer: 'https://www.google.com/',
    });

    // Assess
    expect(channel).toBe('organic_search');
  });
});
