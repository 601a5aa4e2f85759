import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261125161107 } from './Migration20261125161107.js';
import { Migration20261125162059 } from './Migration20261125162059.js';
import { Migration20261127112721 } from './Migration20261127112721.js';
import { Migration20261127112816 } from './Migration20261127112816.js';
import { Migration20261127113012 } from './Migration20261127113012.js';
import { Migration20261127113047 } from './Migration20261127113047.js';
import { Migration20261127114500 } from './Migration20261127114500.js';
import { Migration20261127120500 } from './Migration20261127120500.js';
import { Migration20261127121500 } from './Migration20261127121500.js';
import { Migration20261127142733 } from './Migration20261127142733.js';
import { Migration20261127150000 } from './Migration20261127150000.js';
import { Migration20261127160500 } from './Migration20261127160500.js';
import { Migration20261129050051 } from './Migration20261129050051.js';
import { Migration20261129110000 } from './Migration20261129110000.js';
import { Migration20261129130000 } from './Migration20261129130000.js';
import { Migration20261129160000 } from './Migration20261129160000.js';

/** Every migration, in order. scripts/create-migration.ts prints the line to add here. */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261125161107', class: Migration20261125161107 },
  { name: 'Migration20261125162059', class: Migration20261125162059 },
  { name: 'Migration20261127112721', class: Migration20261127112721 },
  { name: 'Migration20261127112816', class: Migration20261127112816 },
  { name: 'Migration20261127113012', class: Migration20261127113012 },
  { name: 'Migration20261127113047', class: Migration20261127113047 },
  { name: 'Migration20261127114500', class: Migration20261127114500 },
  { name: 'Migration20261127120500', class: Migration20261127120500 },
  { name: 'Migration20261127121500', class: Migration20261127121500 },
  { name: 'Migration20261127142733', class: Migration20261127142733 },
  { name: 'Migration20261127150000', class: Migration20261127150000 },
  { name: 'Migration20261127160500', class: Migration20261127160500 },
  { name: 'Migration20261129050051', class: Migration20261129050051 },
  { name: 'Migration20261129110000', class: Migration20261129110000 },
  { name: 'Migration20261129130000', class: Migration20261129130000 },
  { name: 'Migration20261129160000', class: Migration20261129160000 },
];
