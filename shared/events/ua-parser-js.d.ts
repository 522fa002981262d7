// ua-parser-js v1 ships no type declarations (v2 does, but v2 is AGPL); only what the collector uses is declared.
declare module 'ua-parser-js' {
  export interface UAParserResult {
    readonly ua: string;
    readonly browser: { readonly name?: string; readonly version?: string; readonly major?: string };
    readonly engine: { readonly name?: string; readonly version?: string };
    readonly os: { readonly name?: string; readonly version?: string };
    readonly device: { readonly vendor?: string; readonly model?: string; readonly type?: string };
    readonly cpu: { readonly architecture?: string };
  }

  export class UAParser {
    constructor(userAgent?: string);
    getResult(): UAParserResult;
  }
}
