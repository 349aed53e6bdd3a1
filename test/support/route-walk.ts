import { RequestMethod, type INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import type { Agency } from '@gridline/contracts';
import {
  declaredAccess,
  refusalOf,
  ROLES,
  type Access,
  type DevTokenClaims,
  type Principal,
} from '@gridline/platform';

/**
 * The route walk (docs/security.md, "Access"): every route the HTTP router of a
 * running Nest app registered, called as every kind of principal, each answer
 * checked against the route's declaration. The calls change nothing: path
 * parameters are not valid ids, bodies are not valid bodies, reads carry an
 * unknown query parameter, so an allowed call fails validation after the guard
 * (guards run before interceptors and pipes). A write that answers 2xx anyway
 * is a finding: it could start work from an empty request.
 */

/** A route as the router has it, with the handler and declaration Nest's metadata gives it. */
export interface RegisteredRoute {
  readonly method: string;
  readonly path: string;
  /** `Controller.method`, or undefined when no controller handler maps to the router's route. */
  readonly handler?: string;
  readonly access?: Access;
}

interface ExpressLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

const join = (...parts: string[]) =>
  '/' +
  parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/');

/**
 * The router's routes (express's stack, what requests are matched against), each
 * joined to the controller handler whose metadata produced it.
 */
export function registeredRoutes(app: INestApplication): RegisteredRoute[] {
  const handlers = new Map<string, { handler: string; access?: Access }>();
  for (const module of app.get(ModulesContainer).values())
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!controller) continue;
      const bases = [Reflect.getMetadata(PATH_METADATA, controller) as string | string[]].flat();
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (paths === undefined || method === undefined) continue;
        for (const base of bases)
          for (const path of [paths].flat()) {
            const access = declaredAccess(handler);
            handlers.set(`${RequestMethod[method]} ${join(base ?? '', path)}`, {
              handler: `${controller.name}.${name}`,
              ...(access ? { access } : {}),
            });
          }
      }
    }
  const express = app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
  const routes: RegisteredRoute[] = [];
  for (const layer of express.router.stack) {
    if (!layer.route) continue;
    for (const path of [layer.route.path].flat())
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (!on || method === '_all') continue;
        const upper = method.toUpperCase();
        const found = handlers.get(`${upper} ${path}`);
        routes.push({ method: upper, path, ...found });
      }
  }
  return routes;
}

/** Who calls: nobody (no token), or one role of one agency. */
export type Caller =
  { readonly kind: 'anonymous' } | { readonly kind: 'principal'; claims: DevTokenClaims };

export function everyCaller(agencies: readonly Agency[]): Caller[] {
  return [
    { kind: 'anonymous' },
    ...agencies.flatMap((agency) =>
      ROLES.map((role): Caller => ({
        kind: 'principal',
        claims: { sub: `walk-${agency}-${role}`, agency, roles: [role] },
      })),
    ),
  ];
}

const describeCaller = (caller: Caller) =>
  caller.kind === 'anonymous'
    ? 'no token'
    : `${caller.claims.roles.join('+')}@${caller.claims.agency}`;

/** Whether the declaration lets this caller through (undefined access: nobody). */
export function allows(access: Access | undefined, caller: Caller, agency: Agency | null): boolean {
  if (!access) return false;
  if (access.kind === 'public') return true;
  if (caller.kind === 'anonymous') return false;
  const principal: Principal = {
    id: caller.claims.sub,
    agency: caller.claims.agency,
    roles: caller.claims.roles,
  };
  return refusalOf(access, principal, agency) === undefined;
}

/** A path to call: every parameter replaced by a value no route accepts as an id. */
export function walkPath(path: string): string {
  return path.replace(/:(\w+)/g, '~walk~');
}

export interface WalkResult {
  readonly calls: number;
  readonly findings: string[];
}

/**
 * Calls every route as every caller and returns what disagrees with the
 * declarations: a route without one, an allowed caller refused (401/403), a
 * refused caller let through or refused with the wrong status, a write that
 * answered 2xx, any 5xx.
 */
export async function walkRoutes(options: {
  readonly baseUrl: string;
  readonly routes: readonly RegisteredRoute[];
  readonly agency: Agency | null;
  readonly callers: readonly Caller[];
  readonly token: (claims: DevTokenClaims) => Promise<string>;
}): Promise<WalkResult> {
  const findings: string[] = [];
  const tokens = new Map<Caller, string>();
  for (const caller of options.callers)
    if (caller.kind === 'principal') tokens.set(caller, await options.token(caller.claims));
  let calls = 0;
  for (const route of options.routes) {
    const name = `${route.method} ${route.path}`;
    if (!route.access)
      findings.push(
        `${name} (${route.handler ?? 'no controller handler'}) declares no access: give it @CommandRoute, @ReadRoute or @PublicRoute`,
      );
    const reading = route.method === 'GET' || route.method === 'HEAD';
    await Promise.all(
      options.callers.map(async (caller) => {
        const token = tokens.get(caller);
        let status: number;
        try {
          const response = await fetch(
            `${options.baseUrl}${walkPath(route.path)}${reading ? '?walk=~' : ''}`,
            {
              method: route.method,
              headers: {
                ...(token ? { authorization: `Bearer ${token}` } : {}),
                ...(reading ? {} : { 'content-type': 'application/json' }),
              },
              ...(reading ? {} : { body: '[]' }),
              signal: AbortSignal.timeout(15_000),
            },
          );
          status = response.status;
          await response.body?.cancel();
        } catch (error) {
          findings.push(`${name} as ${describeCaller(caller)}: ${(error as Error).message}`);
          return;
        }
        calls++;
        const who = `${name} as ${describeCaller(caller)} answered ${status}`;
        if (status >= 500) findings.push(`${who}: a server error`);
        if (allows(route.access, caller, options.agency)) {
          if (status === 401 || status === 403) findings.push(`${who}, but it is declared allowed`);
          else if (!reading && status < 300)
            findings.push(`${who}: a write the walk's empty request got through (it may do work)`);
        } else {
          const expected = caller.kind === 'anonymous' && route.access ? 401 : 403;
          if (status !== expected) findings.push(`${who}, expected ${expected}`);
        }
      }),
    );
  }
  return { calls, findings: findings.sort() };
}
