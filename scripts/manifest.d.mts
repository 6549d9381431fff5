// Types of scripts/manifest.mjs (a plain ESM script, run by Node without a build step).
export declare const PACKAGE_NAME: 'cognito-revocation';

export declare function environmentContract(names: readonly string[]): string;

export interface ZipReport {
  readonly zipBytes: number;
  readonly bundleBytes: number;
  readonly sha256: string;
}

export interface FunctionManifest extends ZipReport {
  readonly zip: string;
  readonly environmentContract: string;
}

export interface BuildManifest {
  readonly name: 'cognito-revocation';
  readonly version: string;
  readonly functions: Readonly<Record<string, FunctionManifest>>;
}

export declare function buildManifest(input: {
  version: string;
  environment: Readonly<Record<string, readonly { readonly name: string }[]>>;
  zips: Readonly<Record<string, ZipReport>>;
}): BuildManifest;
