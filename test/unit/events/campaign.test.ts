import { describe, expect, it } from 'vitest';
import { campaignFromContext, campaignFromUrl } from '../../../shared/events/campaign.ts';

describe('campaignFromUrl', () => {
  it.each([
    [
      'https://shop.example/landing?utm_source=newsletter&utm_medium=email&utm_campaign=spring%20sale&utm_term=shoes&utm_content=hero',
      { source: 'newsletter', medium: 'email', name: 'spring sale', term: 'shoes', content: 'hero' },
    ],
    ['https://shop.example/?UTM_Source=Google&utm_medium=cpc', { source: 'Google', medium: 'cpc' }],
    ['https://shop.example/?utm_campaign=spring+sale', { name: 'spring sale' }],
    ['/relative/page?utm_source=partner&x=1', { source: 'partner' }],
    ['https://shop.example/?utm_source=a&utm_source=b', { source: 'a' }],
    ['https://shop.example/?utm_source=&utm_medium=social', { medium: 'social' }],
    ['https://shop.example/?utm_medium=social#section', { medium: 'social' }],
  ])('reads %s as %j', (url, expected) => {
    // Act
    const campaign = campaignFromUrl(url);

    // Assess
    expect(campaign).toEqual(expected);
  });

  it.each(['https://shop.example/?q=1', 'https://shop.example/', undefined, 'utm_source=not-a-query'])(
    'finds no campaign in %j',
    (url) => {
      // Act
      const campaign = campaignFromUrl(url);

      // Assess
      expect(campaign).toBeUndefined();
    },
  );
});

describe('campaignFromContext', () => {
  it('keeps the five campaign fields and ignores the rest', () => {
    // Act
    const campaign = campaignFromContext({
      source: 'google',
      medium: 'cpc',
      name: 'brand',
      id: 'c-9',
      extra: true,
    });

    // Assess
    expect(campaign).toEqual({ source: 'google', medium: 'cpc', name: 'brand' });
  });

  it('keeps numbers as strings and ignores other value types and empty strings', () => {
    // Act
    const campaign = campaignFromContext({ term: 42, content: { nested: 1 }, medium: '', source: null });

    // Assess
    expect(campaign).toEqual({ term: '42' });
  });

  it('reports no campaign for an empty or absent context.campaign', () => {
    // Act
    const campaigns = [campaignFromContext({}), campaignFromContext(undefined)];

    // Assess
    expect(campaigns).toEqual([undefined, undefined]);
  });
});
