import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';

/** Writes the error answer of one API family for anything thrown while serving a request. */
export type ErrorRenderer = (exception: unknown, request: Request, response: Response) => void;

/**
 * The error formats of the API families mounted under a path of their own (the Twilio-compatible
 * APIs). Their routes answer errors through their own filter; a request that matches no route
 * reaches only the global filter, which asks here which format its path calls for. Each family
 * registers its mount when its module starts, so the prefix is written once, by its owner.
 */
@Injectable()
export class ErrorFormats {
  private readonly mounts: { prefix: string; render: ErrorRenderer }[] = [];

  /** Errors under `/<mount>` (e.g. `wireless`) are answered by `render`. */
  register(mount: string, render: ErrorRenderer): void {
    this.mounts.push({ prefix: `/${mount.toLowerCase()}`, render });
  }

  /** The renderer for a request path, if a family mounted there (case-insensitive, as routing is). */
  rendererFor(path: string): ErrorRenderer | undefined {
    const lower = path.toLowerCase();
    return this.mounts.find(({ prefix }) => lower === prefix || lower.startsWith(`${prefix}/`))
      ?.render;
  }
}
