import type { LoginResponse, SessionUser } from '$contract/auth.ts';

const STORAGE_KEY = 'ronda.session';

function stored(): LoginResponse | null {
  if (typeof localStorage === 'undefined') return null;
  try {
    const parsed = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as LoginResponse | null;
    return parsed && typeof parsed.token === 'string' ? parsed : null;
  } catch {
    return null;
  }
}

/** The signed-in user and bearer token (SPEC §6), kept across reloads in localStorage. */
class Session {
  #current = $state<LoginResponse | null>(stored());

  get token(): string | null {
    return this.#current?.token ?? null;
  }

  get user(): SessionUser | null {
    return this.#current?.user ?? null;
  }

  start(login: LoginResponse): void {
    this.#current = login;
    localStorage.setItem(STORAGE_KEY, JSON.stringify(login));
  }

  end(): void {
    this.#current = null;
    localStorage.removeItem(STORAGE_KEY);
  }
}

export const session = new Session();
