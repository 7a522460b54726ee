/** The two run types the report understands. */
export type Study = 'proteomics' | 'influence';

export const STUDIES: readonly Study[] = ['proteomics', 'influence'];

export function isStudy(value: unknown): value is Study {
  return value === 'proteomics' || value === 'influence';
}
