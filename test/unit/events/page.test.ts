import { describe, expect, it } from 'vitest';
import { pageInfo } from '../../../shared/events/page.ts';

describe('pageInfo', () => {
  it('takes url, path and referrer from context.page and the lower-case host from the URL', () => {
    // Act
    const page = pageInfo({
      type: 'track',
      context: {
        page: {
          url: 'https://Shop.Example.com/cart?x=1',
          path: '/cart',
          referrer: 'https://www.google.com/',
        },
      },
    });

    // Assess
    expect(page).toEqual({
      url: 'https://Shop.Example.com/cart?x=1',
      path: '/cart',
      referrer: 'https://www.google.com/',
      host: 'shop.example.com',
    });
  });

  it('derives the path from the URL when the client sent none', () => {
    // Act
    const page = pageInfo({ type: 'track', context: { page: { url: 'https://shop.example/a/b?c=d#e' } } });

    // Assess
    expect(page).toEqual({ url: 'https://shop.example/a/b?c=d#e', path: '/a/b', host: 'shop.example' });
  });

  it('falls back to properties.url, path and referrer for page calls', () => {
    // Act
    const page = pageInfo({
      type: 'page',
      context: { page: { referrer: 'https://news.example/' } },
      properties: { url: 'https://shop.example/p', path: '/p', referrer: 'https://ignored.example/' },
    });

    // Assess
    expect(page).toEqual({
      url: 'https://shop.example/p',
      path: '/p',
      referrer: 'https://news.example/',
      host: 'shop.example',
    });
  });

  it('ignores properties.url on calls other than page', () => {
    // Act
    const page = pageInfo({ type: 'track', properties: { url: 'https://shop.example/p' } });

    // Assess
    expect(page).toBeUndefined();
  });

  it('keeps a relative URL without inventing a host', () => {
    // Act
    const page = pageInfo({ type: 'page', context: { page: { url: '/docs?a=1' } } });

    // Assess
    expect(page).toEqual({ url: '/docs?a=1', path: '/docs' });
  });
});
